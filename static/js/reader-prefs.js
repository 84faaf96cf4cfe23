// Reading settings, applied before the page paints (a classic script in <head>) so a dark
// reader never flashes white. The one home of their storage key, defaults and application to
// <html>: it leaves them as window.QuietPagePrefs for prefs.js (the settings panel, which
// changes and saves them).
(function () {
  var KEY = "qp-reader-prefs";
  var DEFAULTS = Object.freeze({ size: 0, width: "medium", font: "serif", theme: "auto" });
  function load() {
    try { return Object.assign({}, DEFAULTS, JSON.parse(localStorage.getItem(KEY) || "{}")); } catch (e) { return Object.assign({}, DEFAULTS); }
  }
  function apply(prefs) {
    var root = document.documentElement;
    root.dataset.theme = prefs.theme;
    root.dataset.font = prefs.font;
    root.dataset.width = prefs.width;
    root.style.setProperty("--reader-step", String(prefs.size));
  }
  apply(load());
  window.QuietPagePrefs = Object.freeze({ KEY: KEY, DEFAULTS: DEFAULTS, load: load, apply: apply });
})();
