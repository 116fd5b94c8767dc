-- A reader's mix: the page, Atom feeds and GraphQL queries, cycled per request.
local requests = {}
local queries = {
  '{"query":"{ news(first: 20) { edges { node { id title category status teams { abbreviation } } } pageInfo { endCursor hasNextPage } } }"}',
  '{"query":"query($t: String!) { news(first: 50, filter: {team: $t}) { edges { node { id title players { fullName } teams { abbreviation } } } } }","variables":{"t":"LAL"}}',
  '{"query":"{ tradeNewsByCategory(category: \\"Trade\\", limit: 50) { id title source publishedAt } }"}',
  '{"query":"{ stats { byCategory { category count } } }"}',
}
-- Built in init(): only then does wrk know the Host header the requests must carry.
function init(args)
  table.insert(requests, wrk.format("GET", "/"))
  table.insert(requests, wrk.format("GET", "/feeds/all.atom"))
  table.insert(requests, wrk.format("GET", "/feeds/team/BOS.atom"))
  table.insert(requests, wrk.format("GET", "/?category=Trade"))
  for _, q in ipairs(queries) do
    table.insert(requests, wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, q))
  end
end
local i = 0
request = function()
  i = i + 1
  return requests[(i % #requests) + 1]
end
