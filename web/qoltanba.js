// qoltanba.js — a dependency-free ES module client for the qoltanba signing
// agent's own protocol (docs/protocol.md). Licence: GPL-3.0-or-later.

/** An error from the agent: `code` is a stable string (CANCELED, ...). */
export class QoltanbaError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = "QoltanbaError";
    this.code = code;
  }
}

export const DEFAULT_URL = "wss://127.0.0.1:13579/qoltanba/v1";

/** A connection to the agent. Use Qoltanba.connect(). */
export class Qoltanba {
  /**
   * Opens a connection. Rejects with QoltanbaError("UNAVAILABLE") when the
   * agent is not running, its certificate is not trusted, or the browser's
   * local-network permission was refused (browsers do not tell these apart).
   * @param {{url?: string, timeoutMs?: number, WebSocket?: any}} [options]
   */
  static connect(options = {}) {
    const url = options.url || DEFAULT_URL;
    const WS = options.WebSocket || globalThis.WebSocket;
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WS(url);
      } catch (e) {
        reject(new QoltanbaError("UNAVAILABLE", String(e)));
        return;
      }
      const timer = setTimeout(() => {
        ws.close();
        reject(new QoltanbaError("UNAVAILABLE", "the agent did not answer"));
      }, timeoutMs);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(new Qoltanba(ws));
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new QoltanbaError("UNAVAILABLE", "cannot reach the qoltanba agent at " + url));
      };
    });
  }

  constructor(ws) {
    this._ws = ws;
    this._next = 1;
    this._pending = new Map();
    ws.onmessage = (ev) => this._onMessage(ev.data);
    ws.onclose = () => {
      for (const { reject } of this._pending.values()) {
        reject(new QoltanbaError("CLOSED", "the connection to the agent closed"));
      }
      this._pending.clear();
    };
  }

  _onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    const p = this._pending.get(msg.id);
    if (!p) return;
    this._pending.delete(msg.id);
    if (msg.error) {
      p.reject(new QoltanbaError(msg.error.message, msg.error.data || msg.error.message));
    } else {
      p.resolve(msg.result);
    }
  }

  _call(method, params) {
    const id = this._next++;
    return new Promise((resolve, reject) => {
      this._pending.set(id, { resolve, reject });
      this._ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  /** @returns {Promise<{version: string, protocol: number}>} */
  version() {
    return this._call("version", {});
  }

  /**
   * Signs a login bound to this page's origin and the site's challenge.
   * @param {string} challenge base64 of 32 to 128 random bytes from the site
   * @param {"cms"|"xml"} [format]
   * @param {{allowExpired?: boolean}} [options] allowExpired: test environments only
   * @returns {Promise<{signature: string, certificate: string, signedContent: string}>}
   */
  login(challenge, format = "cms", options = {}) {
    return this._call("login", { challenge, format, allowExpired: !!options.allowExpired });
  }

  /**
   * Signs documents (base64) in one dialog.
   * @param {{format: "cms"|"xml"|"raw", documents: string[], detached?: boolean, digested?: boolean, tsa?: boolean}} req
   * @returns {Promise<{signatures: string[], certificate: string}>}
   */
  sign(req) {
    return this._call("sign", req);
  }

  close() {
    this._ws.close();
  }
}
