/**
 * The hosted page's only script, inline (its hash is in the CSP), plain ES2017 with no library: it asks
 * `<session>/status` (same origin) for the page model every few seconds, swaps the text, the visible
 * sections and the QR code, runs the countdown on the server's clock, and copies to the clipboard.
 * It holds no text of its own: the English (or translated) strings come from the server.
 */
export const PAGE_SCRIPT: string = `(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("waas-page-config").textContent);
  var body = document.body;
  var model = config.model;
  var skew = Date.parse(model.server_time) - Date.now();
  var timer = null;

  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  function render(next, qrSvg) {
    var previousUri = model.pay_uri;
    model = next;
    skew = Date.parse(next.server_time) - Date.now();
    body.setAttribute("data-state", next.state);
    each("[data-field]", function (el) {
      var key = el.getAttribute("data-field");
      if (key in next) el.textContent = next[key] === null ? "" : String(next[key]);
    });
    each("[data-show]", function (el) {
      var states = el.getAttribute("data-show").split(" ");
      el.hidden = states.indexOf(next.state) < 0;
    });
    each("[data-if]", function (el) {
      var key = el.getAttribute("data-if");
      var value = next[key];
      el.hidden = value === null || value === "" || value === "0" || value === false;
    });
    var back = document.getElementById("waas-return");
    if (next.return_url) {
      back.href = next.return_url;
      back.textContent = next.state === "expired" ? config.labels.return_expired : config.labels.return_paid;
      back.hidden = false;
    } else {
      back.hidden = true;
    }
    var explorer = document.getElementById("waas-explorer");
    if (next.explorer_url) { explorer.href = next.explorer_url; explorer.hidden = false; } else { explorer.hidden = true; }
    if (next.pay_uri !== previousUri && qrSvg) {
      var qr = document.getElementById("waas-qr");
      var svg = new DOMParser().parseFromString(qrSvg, "image/svg+xml").documentElement;
      qr.replaceChildren(document.importNode(svg, true));
    }
    tick();
  }

  function tick() {
    var el = document.getElementById("waas-countdown");
    var left = Math.max(0, Date.parse(model.expires_at) - (Date.now() + skew));
    if (left <= 0) { el.textContent = config.labels.expired_countdown; return; }
    var s = Math.floor(left / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = (h > 0 && m < 10 ? "0" : "") + m;
    el.textContent = (h > 0 ? h + ":" : "") + mm + ":" + (sec < 10 ? "0" : "") + sec;
  }

  var inFlight = false;
  function poll() {
    if (inFlight || !model.live) return;
    inFlight = true;
    fetch(config.status_url, { headers: { accept: "application/json" }, cache: "no-store", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.page) render(data.page, data.qr_svg); })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () {
        inFlight = false;
        if (!model.live) clearInterval(timer);
      });
  }

  each("[data-copy]", function (button) {
    button.addEventListener("click", function () {
      var source = document.querySelector('[data-field="' + button.getAttribute("data-copy") + '"]');
      var text = source ? source.textContent : "";
      var done = function () {
        button.textContent = config.labels.copied;
        setTimeout(function () { button.textContent = config.labels.copy; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        try { if (document.execCommand("copy")) done(); } catch (e) {}
      }
    });
  });

  setInterval(tick, 1000);
  timer = setInterval(poll, config.poll_ms);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  render(model, null);
})();
`
