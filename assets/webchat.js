/* FlowStudio webchat widget.
 * <script src="https://HOST/webchat/widget.js" data-key="CHANNEL_KEY" data-color="#4f46e5"
 *         data-title="Atendimento" data-greeting="Olá!" data-position="right" data-name="Ana" async></script>
 * Renders text, buttons, carousels and images; keeps the visitor across reloads (localStorage); live
 * updates over server-sent events, with polling when they are not available. Its own texts come in the
 * bot's language from the config endpoint. Agents' messages show the agent's name and initials; notices
 * say when an agent joined, when the conversation was closed, when the bot took it back. "typing…" shows
 * only while the server says the bot or the agent is on it. The page may name its visitor with `data-name`
 * or `window.FlowStudioWebchat.setName("Ana")` before the first message.
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
    title: script.getAttribute("data-title") || "",
    greeting: script.getAttribute("data-greeting") || "",
    position: script.getAttribute("data-position") === "left" ? "left" : "right",
    name: script.getAttribute("data-name") || "",
  };
  var texts = { title: "Chat", placeholder: "", send: "", typing: "…", open: "Chat", close: "Chat", agent: "" };
  var store = "flowstudio:" + key + ":";

  function randomId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var visitor = localStorage.getItem(store + "visitor");
  if (!visitor) { visitor = randomId(); localStorage.setItem(store + "visitor", visitor); }
  var lastId = 0, lastNotice = 0, seen = {}, stream = null, pollTimer = null, typingTimer = null;
  var owner = null, sending = false, failures = 0;
  window.FlowStudioWebchat = { setName: function (name) { opts.name = String(name || "").slice(0, 200); } };

  var host = document.createElement("div");
  host.setAttribute("data-flowstudio-webchat", "");
  document.body.appendChild(host);
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var side = opts.position + ":20px";
  var CHAT_ICON = "<svg width='28' height='28' viewBox='0 0 24 24' fill='none' stroke='currentColor' stroke-width='2'" +
    " stroke-linecap='round' stroke-linejoin='round' aria-hidden='true'><path d='M21 12a8 8 0 0 1-11.6 7.1L4 20.5" +
    "l1.4-4.6A8 8 0 1 1 21 12z'/><path d='M8.5 12h.01M12 12h.01M15.5 12h.01' stroke-width='2.6'/></svg>";
  var CLOSE_ICON = "<svg width='24' height='24' viewBox='0 0 24 24' fill='none' stroke='currentColor' stroke-width='2.2'" +
    " stroke-linecap='round' aria-hidden='true'><path d='M6 6l12 12M18 6L6 18'/></svg>";
  var SEND_ICON = "<svg width='18' height='18' viewBox='0 0 24 24' fill='currentColor' aria-hidden='true'>" +
    "<path d='M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z'/></svg>";
  root.innerHTML =
    "<style>" +
    ":host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif}" +
    ".launch{position:fixed;bottom:20px;" + side + ";width:56px;height:56px;border-radius:50%;border:0;display:flex;" +
    "align-items:center;justify-content:center;background:" + opts.color + ";color:#fff;cursor:pointer;" +
    "box-shadow:0 6px 20px rgba(0,0,0,.25);z-index:2147483000}" +
    ".panel{position:fixed;bottom:88px;" + side + ";width:min(370px,calc(100vw - 32px));height:min(560px,calc(100vh - 120px));" +
    "background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:none;flex-direction:column;overflow:hidden;z-index:2147483000}" +
    ".panel.open{display:flex}.head{background:" + opts.color + ";color:#fff;padding:14px 16px;font-weight:600}" +
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f8fafc}" +
    ".log>*{flex-shrink:0}" +
    ".msg{max-width:85%;padding:8px 12px;border-radius:12px;font-size:14px;line-height:1.4;white-space:pre-wrap;word-wrap:break-word}" +
    ".bot{align-self:flex-start;background:#fff;border:1px solid #e2e8f0;color:#0f172a}" +
    ".system{align-self:flex-start;background:#f1f5f9;border:1px dashed #cbd5e1;color:#334155}" +
    ".visitor{align-self:flex-end;background:" + opts.color + ";color:#fff}" +
    ".row{display:flex;align-items:flex-end;gap:6px;align-self:flex-start;max-width:92%}" +
    ".row .msg{max-width:100%;background:#ecfdf5;border:1px solid #a7f3d0;color:#064e3b}" +
    ".avatar{width:28px;height:28px;border-radius:50%;background:#047857;color:#fff;font-size:11px;font-weight:700;" +
    "display:flex;align-items:center;justify-content:center;flex-shrink:0}" +
    ".who{font-size:11px;color:#047857;font-weight:600;margin:0 0 2px 2px}" +
    ".notice{align-self:center;background:#e2e8f0;color:#334155;font-size:12px;border-radius:12px;padding:4px 10px;text-align:center;max-width:90%}" +
    ".btns{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}" +
    ".btn{border:1px solid " + opts.color + ";color:" + opts.color + ";background:#fff;border-radius:16px;padding:5px 12px;font-size:13px;cursor:pointer}" +
    ".btn:hover:enabled{background:" + opts.color + ";color:#fff}" +
    ".btn:disabled{border-color:#cbd5e1;color:#94a3b8;cursor:default}" +
    ".cards{display:flex;gap:8px;overflow-x:auto;align-self:stretch;padding-bottom:4px}" +
    ".card{min-width:180px;max-width:200px;background:#fff;border:1px solid #e2e8f0;border-radius:10px;overflow:hidden;font-size:13px}" +
    ".card img{width:100%;height:100px;object-fit:cover;background:#f1f5f9;display:block}.card .body{padding:8px}" +
    ".card .t{font-weight:600}.card .s{color:#64748b;margin-top:2px}" +
    ".typing{align-self:flex-start;color:#64748b;font-size:13px;padding:4px 8px}" +
    "form{display:flex;gap:6px;padding:10px;border-top:1px solid #e2e8f0;background:#fff}" +
    "input{flex:1;border:1px solid #cbd5e1;border-radius:20px;padding:9px 14px;font-size:14px;outline:none}" +
    "input:focus{border-color:" + opts.color + "}" +
    "button.send{border:0;background:" + opts.color + ";color:#fff;border-radius:20px;width:44px;cursor:pointer;" +
    "display:flex;align-items:center;justify-content:center}" +
    ".launch span{display:flex}.launch .i-close,.launch.open .i-open{display:none}.launch.open .i-close{display:flex}" +
    "</style>" +
    "<button class='launch' data-testid='webchat-launcher'><span class='i-open'>" + CHAT_ICON +
    "</span><span class='i-close'>" + CLOSE_ICON + "</span></button>" +
    "<div class='panel' role='dialog'>" +
    "<div class='head' data-testid='webchat-title'></div><div class='log' data-testid='webchat-log' aria-live='polite'></div>" +
    "<form><input data-testid='webchat-input' autocomplete='off'>" +
    "<button class='send' type='submit' data-testid='webchat-send'>" + SEND_ICON + "</button></form></div>";
  var $ = function (sel) { return root.querySelector(sel); };
  var log = $(".log"), panel = $(".panel"), input = $("input"), launcher = $(".launch");

  function applyTexts() {
    $(".head").textContent = opts.title || texts.title;
    panel.setAttribute("aria-label", opts.title || texts.title);
    input.setAttribute("placeholder", texts.placeholder);
    input.setAttribute("aria-label", texts.placeholder);
    $(".send").setAttribute("aria-label", texts.send);
    $(".send").setAttribute("title", texts.send);
    launcher.setAttribute("aria-label", panel.classList.contains("open") ? texts.close : texts.open);
    var typing = $(".typing");
    if (typing) typing.textContent = texts.typing;
  }
  applyTexts();
  var configured = fetch(api + "/config")
    .then(function (r) { return r.ok ? r.json() : {}; })
    .then(function (data) {
      Object.keys(data.texts || {}).forEach(function (k) { texts[k] = data.texts[k]; });
      opts.title = opts.title || data.title || "";
      opts.greeting = opts.greeting || data.greeting || "";
      if (data.language) host.setAttribute("lang", data.language);
      applyTexts();
    })
    .catch(function () {});

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
  // "typing…" while the server says the bot (its replies still pending) or the agent is on it, for the
  // seconds it says; gone when a reply arrives or the status says nobody is typing.
  function setTyping(on, seconds) {
    var current = $(".typing");
    if (on && !current) {
      current = el("div", "typing", texts.typing);
      current.setAttribute("data-testid", "webchat-typing");
      log.appendChild(current);
      scroll();
    } else if (on) {
      log.appendChild(current);  // stays below the newest message
    }
    if (!on && current) current.remove();
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { setTyping(false); }, (seconds || 6) * 1000);
  }
  function applyStatus(status) {
    if (!status) return;
    owner = status.owner || owner;
    if (status.notices_after) lastNotice = Math.max(lastNotice, status.notices_after);
    if (!sending) setTyping(status.typing > 0, status.typing);
  }
  // A menu answers once: pressing one of its buttons, or anything newer in the conversation, disables it.
  function retireButtons() {
    Array.prototype.forEach.call(log.querySelectorAll("button.btn[data-reply]"), function (b) { b.disabled = true; });
  }
  function buttons(list) {
    var box = el("div", "btns");
    (list || []).forEach(function (b) {
      var button = el("button", "btn", b.label);
      button.setAttribute("data-testid", "webchat-button");
      if (b.url) button.onclick = function () { var u = safeUrl(b.url); if (u) window.open(u, "_blank", "noopener"); };
      else {
        button.setAttribute("data-reply", "");
        button.onclick = function () { retireButtons(); send({ button_id: b.id, label: b.label }); };
      }
      box.appendChild(button);
    });
    return box;
  }
  function bubble(text, from) {
    var node = el("div", "msg " + (from === "system" ? "system" : "bot"), text);
    node.setAttribute("data-testid", "webchat-" + (from === "system" ? "system" : "bot"));
    return node;
  }
  function agentBubble(text, agent) {
    var row = el("div", "row"), column = el("div");
    var avatar = el("div", "avatar", (agent && agent.initials) || "?");
    avatar.setAttribute("aria-hidden", "true");
    var who = el("div", "who", (agent && agent.name) || texts.agent);
    who.setAttribute("data-testid", "webchat-agent-name");
    var node = el("div", "msg", text);
    node.setAttribute("data-testid", "webchat-agent");
    column.appendChild(who);
    column.appendChild(node);
    row.appendChild(avatar);
    row.appendChild(column);
    return { row: row, bubble: node };
  }
  function media(p, holder) {
    var url = safeUrl(p.url);
    if ((p.media_type || p.type) === "image" && url) { var pic = el("img"); pic.src = url; pic.style.maxWidth = "100%"; holder.prepend(pic); }
    else { var link = el("a", "", p.filename || p.url); if (url) link.href = url; link.target = "_blank"; link.rel = "noopener"; holder.prepend(link); }
  }
  function render(m) {
    if (m.notice) {
      if (seen["n" + m.notice_id]) return;
      seen["n" + m.notice_id] = true;
      lastNotice = Math.max(lastNotice, m.notice_id);
      retireButtons();
      var notice = el("div", "notice", m.text);
      notice.setAttribute("data-testid", "webchat-notice");
      notice.setAttribute("role", "status");
      log.appendChild(notice);
      scroll();
      return;
    }
    if (seen[m.id]) return;
    seen[m.id] = true;
    lastId = Math.max(lastId, m.id);
    retireButtons();
    if (m.from === "visitor") {
      var mine = el("div", "msg visitor", m.text);
      mine.setAttribute("data-testid", "webchat-visitor");
      log.appendChild(mine);
      scroll();
      return;
    }
    setTyping(false);
    var p = m.payload || {};
    var holder, node;
    if (p.type === "carousel") {
      if (p.text) log.appendChild(bubble(p.text, m.from));
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
      scroll();
      return;
    }
    var isMedia = p.type === "media" || (p.url && /^(image|document|audio|video|file)$/.test(p.type || ""));
    var text = isMedia ? (p.caption || (m.from === "agent" ? p.text : "") || "") : (m.text || p.text || "");
    if (m.from === "agent") { var made = agentBubble(text, m.agent); holder = made.row; node = made.bubble; }
    else { node = holder = bubble(text, m.from); }
    if (isMedia) media(p, node);
    else if (p.type === "buttons") node.appendChild(buttons(p.buttons));
    log.appendChild(holder);
    scroll();
  }
  function fetchHistory() {
    return fetch(api + "/messages?visitor=" + visitor + "&after=" + lastId + "&notices_after=" + lastNotice)
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (data) {
        data.messages.forEach(render);
        applyStatus(data.status);
      })
      .catch(function () {});
  }
  function poll() {
    clearInterval(pollTimer);
    pollTimer = setInterval(fetchHistory, 1500);
  }
  function listen() {
    if (!window.EventSource) return poll();
    stream = new EventSource(api + "/stream?visitor=" + visitor + "&after=" + lastId + "&notices_after=" + lastNotice);
    stream.onmessage = function (e) { failures = 0; render(JSON.parse(e.data)); };
    stream.addEventListener("status", function (e) { failures = 0; applyStatus(JSON.parse(e.data)); });
    stream.onerror = function () {
      failures += 1;
      stream.close();
      stream = null;
      // reconnect from the cursors the widget holds (EventSource's own retry would replay its first URL)
      if (failures >= 3) poll(); else setTimeout(listen, 1000);
    };
  }
  function send(body) {
    body.visitor_id = visitor;
    body.client_message_id = randomId();
    if (opts.name) body.name = opts.name;
    sending = true;
    if (owner === "bot") setTyping(true, 30);  // the bot's turn runs while the request is on its way
    var attempt = function (left) {
      return fetch(api + "/messages", { method: "POST", headers: { "Content-Type": "application/json" },
                                        body: JSON.stringify(body) })
        .then(function (r) { if (!r.ok && r.status >= 500 && left) return attempt(left - 1); return r; })
        .catch(function () { if (left) return new Promise(function (ok) { setTimeout(ok, 1000); }).then(function () { return attempt(left - 1); }); });
    };
    return attempt(2)
      .then(function (r) { return r && r.ok ? r.json() : {}; })
      .catch(function () { return {}; })
      .then(function (answer) {
        sending = false;
        if (answer.status) applyStatus(answer.status); else setTyping(false);
        if (!stream) fetchHistory();
      });
  }
  $("form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text });
  });
  var opened = false;
  launcher.addEventListener("click", function () {
    panel.classList.toggle("open");
    var open = panel.classList.contains("open");
    launcher.classList.toggle("open", open);
    applyTexts();
    if (open) {
      input.focus();
      if (!opened) {
        opened = true;
        configured.then(function () {
          if (opts.greeting) log.appendChild(bubble(opts.greeting));
          return fetchHistory();
        }).then(listen);
      }
    }
  });
  if (localStorage.getItem(store + "open") === "1") launcher.click();
  window.addEventListener("beforeunload", function () {
    localStorage.setItem(store + "open", panel.classList.contains("open") ? "1" : "0");
  });
})();
