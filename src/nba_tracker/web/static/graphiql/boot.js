// Starts GraphiQL against the endpoint that served this page (/graphql or /).
// A file of its own, not an inline script, so the page's CSP can say script-src 'self'.
(function () {
  "use strict";
  var EXAMPLE = [
    "# The newest five items. Mutations need a header:",
    '#   {"Authorization": "Bearer <NBA_TRACKER_API_TOKEN>"}',
    "{",
    "  tradeNews(limit: 5) {",
    "    title",
    "    source",
    "    publishedAt",
    "    category",
    "  }",
    "}",
    ""
  ].join("\n");
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: EXAMPLE,
      isHeadersEditorEnabled: true,
      // A pasted token stays in this tab only.
      shouldPersistHeaders: false
    })
  );
})();
