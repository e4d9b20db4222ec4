/* Hongshu page behaviour: blurhash placeholders and the photo carousel. Loaded with `defer`; no inline
   scripts anywhere, so the Content-Security-Policy can forbid them. */
(function () {
  "use strict";

  // ---- Blurhash decoder (https://github.com/woltapp/blurhash, algorithm by Wolt; written from the spec) ----
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

  function decode83(text, start, end) {
    var value = 0;
    for (var i = start; i < end; i++) {
      var digit = DIGITS.indexOf(text.charAt(i));
      if (digit < 0) throw new Error("blurhash: invalid character");
      value = value * 83 + digit;
    }
    return value;
  }

  function srgbToLinear(channel) {
    var v = channel / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  function linearToSrgb(value) {
    var v = Math.max(0, Math.min(1, value));
    return v <= 0.0031308 ? Math.round(v * 12.92 * 255) : Math.round((1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255);
  }

  function signPow(value, exp) {
    return (value < 0 ? -1 : 1) * Math.pow(Math.abs(value), exp);
  }

  /** Decode `hash` into RGBA pixels of a `width` × `height` image. Throws on a malformed hash. */
  function decodeBlurhash(hash, width, height, punch) {
    if (!hash || hash.length < 6) throw new Error("blurhash: too short");
    var sizeFlag = decode83(hash, 0, 1);
    var numY = Math.floor(sizeFlag / 9) + 1;
    var numX = (sizeFlag % 9) + 1;
    if (hash.length !== 4 + 2 * numX * numY) throw new Error("blurhash: length does not match");
    var maxValue = ((decode83(hash, 1, 2) + 1) / 166) * (punch || 1);

    var colors = new Array(numX * numY);
    var dc = decode83(hash, 2, 6);
    colors[0] = [srgbToLinear(dc >> 16), srgbToLinear((dc >> 8) & 255), srgbToLinear(dc & 255)];
    for (var i = 1; i < colors.length; i++) {
      var ac = decode83(hash, 4 + i * 2, 6 + i * 2);
      colors[i] = [
        signPow((Math.floor(ac / (19 * 19)) - 9) / 9, 2) * maxValue,
        signPow(((Math.floor(ac / 19) % 19) - 9) / 9, 2) * maxValue,
        signPow(((ac % 19) - 9) / 9, 2) * maxValue,
      ];
    }

    // The cosine bases depend only on (x, i) and (y, j): compute them once.
    var cosX = new Float64Array(width * numX);
    for (var x = 0; x < width; x++) {
      for (var cx = 0; cx < numX; cx++) cosX[x * numX + cx] = Math.cos((Math.PI * x * cx) / width);
    }
    var cosY = new Float64Array(height * numY);
    for (var y = 0; y < height; y++) {
      for (var cy = 0; cy < numY; cy++) cosY[y * numY + cy] = Math.cos((Math.PI * y * cy) / height);
    }

    var pixels = new Uint8ClampedArray(width * height * 4);
    for (var py = 0; py < height; py++) {
      for (var px = 0; px < width; px++) {
        var r = 0;
        var g = 0;
        var b = 0;
        for (var j = 0; j < numY; j++) {
          var by = cosY[py * numY + j];
          for (var k = 0; k < numX; k++) {
            var basis = cosX[px * numX + k] * by;
            var color = colors[k + j * numX];
            r += color[0] * basis;
            g += color[1] * basis;
            b += color[2] * basis;
          }
        }
        var offset = 4 * (px + py * width);
        pixels[offset] = linearToSrgb(r);
        pixels[offset + 1] = linearToSrgb(g);
        pixels[offset + 2] = linearToSrgb(b);
        pixels[offset + 3] = 255;
      }
    }
    return pixels;
  }

  function paintBlurhash(canvas) {
    var width = canvas.width;
    var height = canvas.height;
    var context = canvas.getContext("2d");
    if (!context) return;
    try {
      var pixels = decodeBlurhash(canvas.getAttribute("data-blurhash"), width, height, 1);
    } catch (error) {
      return; // a bad hash leaves the neutral placeholder colour
    }
    var image = context.createImageData(width, height);
    image.data.set(pixels);
    context.putImageData(image, 0, 0);
  }

  function hidePlaceholderOnLoad(img) {
    // Once the photo is decoded the blurred canvas underneath is no longer needed.
    var canvas = img.parentNode.querySelector("canvas[data-blurhash]");
    if (!canvas) return;
    function done() {
      canvas.hidden = true;
    }
    if (img.complete && img.naturalWidth > 0) done();
    else img.addEventListener("load", done, { once: true });
  }

  // ---- Carousel: scroll-snap does the swiping; this adds arrows, dots and the 1/N counter ----
  function setUpGallery(gallery) {
    var track = gallery.querySelector("[data-gallery-track]");
    var slides = track.children;
    var prev = gallery.querySelector("[data-gallery-prev]");
    var next = gallery.querySelector("[data-gallery-next]");
    var index = gallery.querySelector("[data-gallery-index]");
    var dots = gallery.querySelectorAll(".gallery__dot");
    if (!prev || !next || slides.length < 2) return;

    function current() {
      return Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
    }
    function update() {
      var at = current();
      if (index) index.textContent = String(at + 1);
      for (var i = 0; i < dots.length; i++) dots[i].classList.toggle("is-active", i === at);
      prev.disabled = at === 0;
      next.disabled = at >= slides.length - 1;
    }
    function go(delta) {
      var target = Math.max(0, Math.min(slides.length - 1, current() + delta));
      track.scrollTo({ left: target * track.clientWidth });
    }
    prev.hidden = false;
    next.hidden = false;
    prev.addEventListener("click", function () {
      go(-1);
    });
    next.addEventListener("click", function () {
      go(1);
    });
    track.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") go(-1);
      else if (event.key === "ArrowRight") go(1);
    });
    var pending = false;
    track.addEventListener(
      "scroll",
      function () {
        if (pending) return;
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          update();
        });
      },
      { passive: true }
    );
    update();
  }

  function init() {
    var canvases = document.querySelectorAll("canvas[data-blurhash]");
    for (var i = 0; i < canvases.length; i++) paintBlurhash(canvases[i]);
    var images = document.querySelectorAll(".cover__img, .gallery__img");
    for (var j = 0; j < images.length; j++) hidePlaceholderOnLoad(images[j]);
    var galleries = document.querySelectorAll("[data-gallery]");
    for (var k = 0; k < galleries.length; k++) setUpGallery(galleries[k]);
  }

  window.Hongshu = {
    decodeBlurhash: decodeBlurhash,
    paintBlurhash: paintBlurhash,
    hidePlaceholderOnLoad: hidePlaceholderOnLoad,
    setUpGallery: setUpGallery,
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
