/* FlowStudio webchat widget.
 * <script src="https://HOST/webchat/widget.js" data-key="CHANNEL_KEY" data-color="#4f46e5"
 *         data-title="Atendimento" data-greeting="Olá!" data-position="right" async></script>
 * Renders text, buttons, carousels and images; keeps the visitor across reloads (localStorage);
 * live updates over server-sent events, with polling when they are not available; shows "typing…" while
 * the agent writes.
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-key][src*='widget.js']");
  if (!script || window.__flowstudioWebchat) return;
  window.__flowstudioWebchat = true;
  var key = script.getAttribute("data-key");
  var base = new URL(script.src, location.href).origin;
  var api = base + "/api/v1/webchat/" + encodeURIComponent(key);
  // The colour goes into the widget's stylesheet: only a plain CSS colour is taken.
  var colour = script.getAttribute("data-color") || "";
  var opts = {
    color: /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(colour) ? colour : "#4f46e5",
    title: script.getAttribute("data-title") || "Chat",
    greeting: script.getAttribute("data-greeting") || "",
    position: script.getAttribute("data-position") === "left" ? "left" : "right",
  };
  var store = "flowstudio:" + key + ":";

  function randomId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var visitor = localStorage.getItem(store + "visitor");
  if (!visitor) { visitor = randomId(); localStorage.setItem(store + "visitor", visitor); }
  var lastId = 0, seen = {}, stream = null, pollTimer = null, typingTimer = null;

  var host = document.createElement("div");
  host.setAttribute("data-flowstudio-webchat", "");
  document.body.appendChild(host);
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var side = opts.position + ":20px";
  root.innerHTML =
    "<style>" +
    ":host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif}" +
    ".launch{position:fixed;bottom:20px;" + side + ";width:56px;height:56px;border-radius:50%;border:0;" +
    "background:" + opts.color + ";color:#fff;font-size:26px;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25);z-index:2147483000}" +
    ".panel{position:fixed;bottom:88px;" + side + ";width:min(370px,calc(100vw - 32px));height:min(560px,calc(100vh - 120px));" +
    "background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:none;flex-direction:column;overflow:hidden;z-index:2147483000}" +
    ".panel.open{display:flex}.head{background:" + opts.color + ";color:#fff;padding:14px 16px;font-weight:600}" +
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f8fafc}" +
    ".log>*{flex-shrink:0}" +
    ".msg{max-width:85%;padding:8px 12px;border-radius:12px;font-size:14px;line-height:1.4;white-space:pre-wrap;word-wrap:break-word}" +
    ".bot{align-self:flex-start;background:#fff;border:1px solid #e2e8f0;color:#0f172a}" +
    ".visitor{align-self:flex-end;background:" + opts.color + ";color:#fff}" +
    ".btns{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}" +
    ".btn{border:1px solid " + opts.color + ";color:" + opts.color + ";background:#fff;border-radius:16px;padding:5px 12px;font-size:13px;cursor:pointer}" +
    ".btn:hover{background:" + opts.color + ";color:#fff}" +
    ".cards{display:flex;gap:8px;overflow-x:auto;align-self:stretch;padding-bottom:4px}" +
    ".card{min-width:180px;max-width:200px;background:#fff;border:1px solid #e2e8f0;border-radius:10px;overflow:hidden;font-size:13px}" +
    ".card img{width:100%;height:100px;object-fit:cover;background:#f1f5f9;display:block}.card .body{padding:8px}" +
    ".card .t{font-weight:600}.card .s{color:#64748b;margin-top:2px}" +
    ".typing{align-self:flex-start;color:#64748b;font-size:13px;padding:4px 8px}" +
    "form{display:flex;gap:6px;padding:10px;border-top:1px solid #e2e8f0;background:#fff}" +
    "input{flex:1;border:1px solid #cbd5e1;border-radius:20px;padding:9px 14px;font-size:14px;outline:none}" +
    "input:focus{border-color:" + opts.color + "}" +
    "button.send{border:0;background:" + opts.color + ";color:#fff;border-radius:20px;padding:0 16px;cursor:pointer;font-size:14px}" +
    "</style>" +
    "<button class='launch' data-testid='webchat-launcher' aria-label='Chat'>&#128172;</button>" +
    "<div class='panel' role='dialog'>" +
    "<div class='head'></div><div class='log' data-testid='webchat-log'></div>" +
    "<form><input data-testid='webchat-input' autocomplete='off' placeholder='Digite sua mensagem…'>" +
    "<button class='send' type='submit' data-testid='webchat-send'>&#10148;</button></form></div>";
  var $ = function (sel) { return root.querySelector(sel); };
  $(".head").textContent = opts.title;
  $(".panel").setAttribute("aria-label", opts.title);
  var log = $(".log"), panel = $(".panel"), input = $("input");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  // Links and images from messages: http(s) only (a `javascript:` or `data:` URL would run on the host page).
  function safeUrl(url) {
    try {
      var parsed = new URL(url, base);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : "";
    } catch (e) { return ""; }
  }
  // "typing…": after the visitor sends (the bot is answering, up to 15 s) or while the agent types
  // (`seconds` from the server, renewed while they keep typing); gone when a reply arrives.
  function setTyping(on, seconds) {
    var current = $(".typing");
    if (on && !current) {
      current = el("div", "typing", "digitando…");
      current.setAttribute("data-testid", "webchat-typing");
      log.appendChild(current);
      scroll();
    }
    if (!on && current) current.remove();
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { setTyping(false); }, (seconds || 15) * 1000);
  }
  function buttons(list) {
    var box = el("div", "btns");
    (list || []).forEach(function (b) {
      var button = el("button", "btn", b.label);
      button.setAttribute("data-testid", "webchat-button");
      if (b.url) button.onclick = function () { var u = safeUrl(b.url); if (u) window.open(u, "_blank", "noopener"); };
      else button.onclick = function () { send({ button_id: b.id, label: b.label }); };
      box.appendChild(button);
    });
    return box;
  }
  function render(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    lastId = Math.max(lastId, m.id);
    if (m.from === "visitor") {
      var mine = el("div", "msg visitor", m.text);
      mine.setAttribute("data-testid", "webchat-visitor");
      log.appendChild(mine);
      scroll();
      return;
    }
    setTyping(false);
    var p = m.payload || {};
    if (p.type === "carousel") {
      if (p.text) log.appendChild(bubble(p.text));
      var cards = el("div", "cards");
      cards.setAttribute("data-testid", "webchat-carousel");
      (p.cards || []).forEach(function (c) {
        var card = el("div", "card");
        if (c.image) {
          var img = el("img");
          img.onerror = function () { img.remove(); };
          img.src = safeUrl(c.image);
          img.alt = c.title || "";
          card.appendChild(img);
        }
        var body = el("div", "body");
        body.appendChild(el("div", "t", c.title));
        if (c.subtitle) body.appendChild(el("div", "s", c.subtitle));
        body.appendChild(buttons(c.buttons));
        card.appendChild(body);
        cards.appendChild(card);
      });
      log.appendChild(cards);
    } else if (p.type === "media") {
      var holder = bubble(p.caption || "");
      var url = safeUrl(p.url);
      if (p.media_type === "image" && url) { var pic = el("img"); pic.src = url; pic.style.maxWidth = "100%"; holder.prepend(pic); }
      else { var link = el("a", "", p.filename || p.url); if (url) link.href = url; link.target = "_blank"; link.rel = "noopener"; holder.prepend(link); }
      log.appendChild(holder);
    } else {
      var b = bubble(m.text || p.text || "");
      if (p.type === "buttons") b.appendChild(buttons(p.buttons));
      log.appendChild(b);
    }
    scroll();
  }
  function bubble(text) {
    var node = el("div", "msg bot", text);
    node.setAttribute("data-testid", "webchat-bot");
    return node;
  }
  function fetchHistory() {
    return fetch(api + "/messages?visitor=" + visitor + "&after=" + lastId)
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (data) {
        data.messages.forEach(render);
        if (data.typing > 0) setTyping(true, data.typing);
      })
      .catch(function () {});
  }
  function poll() {
    clearInterval(pollTimer);
    pollTimer = setInterval(fetchHistory, 1500);
  }
  function listen() {
    if (!window.EventSource) return poll();
    var failures = 0;
    stream = new EventSource(api + "/stream?visitor=" + visitor + "&after=" + lastId);
    stream.onmessage = function (e) { failures = 0; render(JSON.parse(e.data)); };
    stream.addEventListener("typing", function (e) { setTyping(true, JSON.parse(e.data).seconds); });
    stream.onerror = function () {
      failures += 1;
      if (failures >= 3) { stream.close(); stream = null; poll(); }
    };
  }
  function send(body) {
    body.visitor_id = visitor;
    body.client_message_id = randomId();
    setTyping(true);
    var attempt = function (left) {
      return fetch(api + "/messages", { method: "POST", headers: { "Content-Type": "application/json" },
                                        body: JSON.stringify(body) })
        .then(function (r) { if (!r.ok && r.status >= 500 && left) return attempt(left - 1); return r; })
        .catch(function () { if (left) return new Promise(function (ok) { setTimeout(ok, 1000); }).then(function () { return attempt(left - 1); }); });
    };
    return attempt(2).then(function () { if (!stream) fetchHistory(); });
  }
  $("form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text });
  });
  var opened = false;
  $(".launch").addEventListener("click", function () {
    panel.classList.toggle("open");
    if (panel.classList.contains("open")) {
      input.focus();
      if (!opened) {
        opened = true;
        if (opts.greeting) log.appendChild(bubble(opts.greeting));
        fetchHistory().then(listen);
      }
    }
  });
  if (localStorage.getItem(store + "open") === "1") $(".launch").click();
  window.addEventListener("beforeunload", function () {
    localStorage.setItem(store + "open", panel.classList.contains("open") ? "1" : "0");
  });
})();
