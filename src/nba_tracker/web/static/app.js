// NBA Trade Tracker page: language toggle, relative times, "N new" notice, filters, flags.
(function () {
  "use strict";
  // The edition (English or Japanese) is chosen by the server: the toggle is a plain
  // link, and every word below comes from the page's catalogue via data-relative.
  var WORDS = { now: "just now", min: "{n} min ago", h: "{n} h ago", d: "{n} d ago",
                mo: "{n} mo ago", y: "{n} y ago" };

  var UNITS = [["y", 31536000], ["mo", 2592000], ["d", 86400], ["h", 3600], ["min", 60]];
  function relative(then) {
    var seconds = Math.round((Date.now() - then) / 1000);
    if (seconds < 60) return WORDS.now;  // includes clocks a little ahead
    for (var i = 0; i < UNITS.length; i++) {
      var n = Math.floor(seconds / UNITS[i][1]);
      if (n >= 1) return WORDS[UNITS[i][0]].replace("{n}", String(n));
    }
    return WORDS.now;
  }
  function refreshTimes() {
    document.querySelectorAll("time[datetime]").forEach(function (t) {
      var then = Date.parse(t.getAttribute("datetime"));
      if (!isNaN(then)) t.textContent = relative(then);
    });
  }

  function startPolling(body) {
    var latest = Number(body.dataset.latestId || 0);
    var version = Number(body.dataset.version || 0);
    var seconds = Math.max(1, Number(body.dataset.pollSeconds) || 30);
    var notice = document.querySelector("[data-new-notice]");
    var countEl = document.querySelector("[data-new-count]");
    if (!notice || !countEl) return;
    function poll() {
      fetch("/api/updates?after_id=" + encodeURIComponent(latest) +
            "&version=" + encodeURIComponent(version), {
        headers: { Accept: "application/json" }, cache: "no-store"
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (data && data.count > 0) {
          countEl.textContent = String(data.count);
          notice.hidden = false;
        }
      }).catch(function () { /* offline for a moment: try again next round */ })
        .then(function () { setTimeout(poll, seconds * 1000); });
    }
    setTimeout(poll, seconds * 1000);
    document.querySelector("[data-new-reload]").addEventListener("click", function () {
      location.reload();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    try {
      var words = JSON.parse(document.body.dataset.relative || "{}");
      Object.keys(WORDS).forEach(function (k) { if (words[k]) WORDS[k] = words[k]; });
    } catch (e) { /* keep the built-in words */ }
    refreshTimes();
    setInterval(refreshTimes, 60000);

    var form = document.querySelector("[data-filters]");
    if (form) {
      // Choosing a filter applies it at once; empty fields stay out of the shared URL.
      form.querySelectorAll("select").forEach(function (s) {
        s.addEventListener("change", function () { form.requestSubmit(); });
      });
      form.addEventListener("submit", function () {
        form.querySelectorAll("input, select").forEach(function (f) {
          if (!f.value) f.disabled = true;
        });
      });
      var apply = form.querySelector(".apply");
      if (apply) apply.classList.add("js-hidden");
    }
    if (document.body.dataset.live === "on") startPolling(document.body);
    document.querySelectorAll("[data-follow]").forEach(follow);
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-flag]") : null;
      if (button && !button.disabled) flag(button);
    });
  });

  // "Follow": the addAlertSubscription mutation with the token typed in, then forgotten.
  var FOLLOW = "mutation($s: AlertSubscriptionInput!) { addAlertSubscription(subscription: $s) { id } }";
  function follow(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var out = form.querySelector("[data-follow-result]");
      var data = new FormData(form);
      var token = form.elements.token;
      var subscription = {
        name: form.dataset.name, channel: data.get("channel"), target: data.get("target"),
        leastStatus: data.get("least_status"),
        teams: form.dataset.team ? [form.dataset.team] : [],
        players: form.dataset.player ? [form.dataset.player] : []
      };
      fetch("/graphql", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json",
                   Authorization: "Bearer " + data.get("token") },
        body: JSON.stringify({ query: FOLLOW, variables: { s: subscription } }),
        credentials: "same-origin"
      }).then(function (r) { return r.json(); }).then(function (body) {
        var errors = body.errors || [];
        out.dataset.state = errors.length ? "error" : "ok";
        out.textContent = errors.length ? form.dataset.failed + " " + errors[0].message : form.dataset.ok;
        if (!errors.length) token.value = "";
      }).catch(function () {
        out.dataset.state = "error";
        out.textContent = form.dataset.failed;
      });
    });
  }

  // "wrong?" on a badge: one same-origin JSON POST; the button then says how it went.
  function flag(button) {
    button.disabled = true;
    fetch("/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ article: button.dataset.article, badge: button.dataset.flag }),
      credentials: "same-origin"
    }).then(function (r) {
      var word = r.status === 201 ? "done" : r.status === 429 ? "limited" : "failed";
      button.textContent = button.dataset[word];
      if (word === "failed") button.disabled = false;
    }).catch(function () {
      button.textContent = button.dataset.failed;
      button.disabled = false;
    });
  }
})();
