// The checker runs here, off the page's thread: the page stays responsive
// during a long check, and Stop terminates this worker.
importScripts("wasm_exec.js");

self.mmuvmReady = () => postMessage({ ready: true });
const go = new Go();
WebAssembly.instantiateStreaming(fetch("mmuvm.wasm"), go.importObject)
  .catch(() =>
    // a server that does not send application/wasm
    fetch("mmuvm.wasm").then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, go.importObject)))
  .then((r) => go.run(r.instance))
  .catch((e) => postMessage({ failed: String(e) }));

onmessage = (e) => {
  const t0 = performance.now();
  const res = self.mmuvmCheck(JSON.stringify(e.data), (executions, states, seconds, done) =>
    postMessage({ progress: { executions, states, seconds, done } }));
  postMessage({ result: JSON.parse(res), ms: performance.now() - t0 });
};
