import init from "/sharehub-ui.js";
init({ module_or_path: "/sharehub-ui_bg.wasm" }).catch(function (e) {
  throw new Error("the app's code could not start: " + e);
});
