// Passkeys on the security page and at sign-in: WebAuthn ceremonies whose options and checks are the
// server's (py_webauthn); this file only converts base64url <-> ArrayBuffer and posts the result.
(function () {
  "use strict";
  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, form, body) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": token, "Content-Type": "application/json"},
      body: JSON.stringify(body || {})
    }).then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || r.status); return j; }); });
  }
  function showError(message) {
    var box = document.getElementById("security-error");
    if (box) { box.textContent = message; box.hidden = false; }
  }
  function descriptors(list) {
    return (list || []).map(function (c) { return {type: c.type, id: toBytes(c.id), transports: c.transports}; });
  }

  var register = document.querySelector("form[data-passkey-register]");
  if (register) register.addEventListener("submit", function (event) {
    event.preventDefault();
    post(register.dataset.options, register).then(function (o) {
      o.challenge = toBytes(o.challenge);
      o.user.id = toBytes(o.user.id);
      o.excludeCredentials = descriptors(o.excludeCredentials);
      return navigator.credentials.create({publicKey: o});
    }).then(function (cred) {
      var credential = {
        id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
        response: {
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          attestationObject: toB64url(cred.response.attestationObject),
          transports: cred.response.getTransports ? cred.response.getTransports() : []
        },
        clientExtensionResults: cred.getClientExtensionResults()
      };
      return post(register.dataset.verify, register, {credential: credential, name: register.querySelector("[name=name]").value});
    }).then(function () { window.location.reload(); }, function (e) { showError(String(e.message || e)); });
  });

  document.querySelectorAll("form[data-passkey-sign-in]").forEach(function (signIn) { signIn.addEventListener("submit", function (event) {
    event.preventDefault();
    post(signIn.dataset.options, signIn).then(function (o) {
      o.challenge = toBytes(o.challenge);
      o.allowCredentials = descriptors(o.allowCredentials);
      return navigator.credentials.get({publicKey: o});
    }).then(function (cred) {
      var credential = {
        id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
        response: {
          clientDataJSON: toB64url(cred.response.clientDataJSON),
          authenticatorData: toB64url(cred.response.authenticatorData),
          signature: toB64url(cred.response.signature),
          userHandle: cred.response.userHandle ? toB64url(cred.response.userHandle) : null
        },
        clientExtensionResults: cred.getClientExtensionResults()
      };
      return post(signIn.dataset.verify, signIn, {credential: credential, next: signIn.dataset.next || ""});
    }).then(function (j) { window.location.assign(j.redirect); }, function (e) { showError(String(e.message || e)); });
  }); });
})();
