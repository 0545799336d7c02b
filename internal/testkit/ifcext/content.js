// Test only. The page's side of the official IFCPlugin extension: page
// messages {type:"TO_IFC_EXT", msg_data} go to the background over a
// port, the native host's answers come back as {type:"FROM_IFC_EXT",
// msg_data}, both JSON strings, as the IFCPlugin page library expects.
(function () {
  var WND = window;
  var port = chrome.runtime.connect({name: "ifc"});
  var marker = document.createElement("div");
  marker.id = "qoltanba-test-ifc-extension";
  document.body.appendChild(marker);
  port.onDisconnect.addListener(function () {
    port = false;
    WND.postMessage(JSON.stringify({type: "IFC_EXT_DISCONNECT"}), "*");
  });
  port.onMessage.addListener(function (msg) {
    WND.postMessage(JSON.stringify({type: "FROM_IFC_EXT", msg_data: msg}), "*");
  });
  WND.addEventListener("message", function (event) {
    if (event.source !== WND) return;
    try {
      var data = JSON.parse(event.data);
      if (data.type === "TO_IFC_EXT" && port) port.postMessage(data.msg_data);
    } catch (e) {}
  }, false);
})();
