// Uncaught errors become a visible message instead of a blank window.
(function () {
  function show(text) {
    var box = document.getElementById("fatal-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "fatal-error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-test", "fatal-error");
      (document.body || document.documentElement).appendChild(box);
    }
    box.textContent = "앱에 문제가 생겼어요 / The app ran into a problem: " + text;
  }
  window.addEventListener("error", function (e) { show(e.message || String(e.error)); });
  window.addEventListener("unhandledrejection", function (e) { show(String(e.reason)); });
})();
