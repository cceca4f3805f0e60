/* The 字体 大/中/小 switch of the bureau's site: sets the page's base font size and remembers it.
   Loaded in <head> (not deferred) so that the chosen size applies before the first paint. */
(function () {
  "use strict";
  var KEY = "docgen-font-size";
  var SIZES = ["large", "medium", "small"];
  var root = document.documentElement;

  function remembered() {
    try { return window.localStorage.getItem(KEY); } catch (error) { return null; }
  }

  function apply(size) {
    var chosen = SIZES.indexOf(size) >= 0 ? size : "medium";
    root.setAttribute("data-font-size", chosen);
    return chosen;
  }

  apply(remembered());

  document.addEventListener("DOMContentLoaded", function () {
    var control = document.querySelector(".font-switch");
    if (!control) { return; }
    var buttons = control.querySelectorAll("button[data-size]");
    function mark(size) {
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-size") === size));
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var size = apply(button.getAttribute("data-size"));
        try { window.localStorage.setItem(KEY, size); } catch (error) { /* private mode: not remembered */ }
        mark(size);
      });
    });
    mark(root.getAttribute("data-font-size"));
    control.hidden = false;
  });
}());
