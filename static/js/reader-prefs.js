// Reading settings, applied before the page paints (a classic script in <head>) so a dark
// reader never flashes white. reader.js changes them; both share this storage key.
(function () {
  var DEFAULTS = { size: 0, width: "medium", font: "serif", theme: "auto" };
  var prefs = DEFAULTS;
  try { prefs = Object.assign({}, DEFAULTS, JSON.parse(localStorage.getItem("qp-reader-prefs") || "{}")); } catch (e) {}
  var root = document.documentElement;
  root.dataset.theme = prefs.theme;
  root.dataset.font = prefs.font;
  root.dataset.width = prefs.width;
  root.style.setProperty("--reader-step", String(prefs.size));
})();
