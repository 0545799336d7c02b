// Test only. The background of the official IFCPlugin extension: one
// native port to ru.rtlabs.ifcplugin per page port, messages relayed
// verbatim both ways.
chrome.runtime.onConnect.addListener(function (port) {
  var native = chrome.runtime.connectNative("ru.rtlabs.ifcplugin");
  native.onMessage.addListener(function (msg) { port.postMessage(msg); });
  native.onDisconnect.addListener(function () {
    var err = chrome.runtime.lastError ? chrome.runtime.lastError.message : "";
    port.postMessage({error_code: 256, test_native_disconnect: err});
    port.disconnect();
  });
  port.onMessage.addListener(function (msg) { native.postMessage(msg); });
  port.onDisconnect.addListener(function () { native.disconnect(); });
});
