"""Deterministic demo photos drawn with Pillow: no files shipped, no downloads.

Each painter draws a simple, recognisable scene (mountains, a plate, lipsticks…) from a seeded random
generator, so the same seed always gives the same bytes. Some JPEGs carry a fake GPS position in their EXIF
to show that processing strips it.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from PIL.ExifTags import GPS, IFD, Base

RGB = tuple[int, int, int]
Painter = Callable[[Image.Image, random.Random], None]

# Shapes the demo uses, as (width, height): 3:4, 1:1, 4:3, and two outside the card clamp (9:16, 16:9).
SHAPES: dict[str, tuple[int, int]] = {
    "portrait": (900, 1200),
    "square": (1000, 1000),
    "landscape": (1200, 900),
    "tall": (720, 1280),
    "wide": (1280, 720),
}


@dataclass(frozen=True)
class PhotoSpec:
    painter: str
    shape: str
    seed: int
    label: str = ""
    fmt: str = "JPEG"
    gps: tuple[float, float] | None = None


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _shade(color: RGB, factor: float) -> RGB:
    return (
        min(255, round(color[0] * factor)),
        min(255, round(color[1] * factor)),
        min(255, round(color[2] * factor)),
    )


def _vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _paste_gradient(image: Image.Image, box: tuple[int, int, int, int], top: RGB, bottom: RGB) -> None:
    left, upper, right, lower = box
    image.paste(_vertical_gradient((max(1, right - left), max(1, lower - upper)), top, bottom), (left, upper))


def _pick(rng: random.Random, palette: list[RGB]) -> RGB:
    return palette[rng.randrange(len(palette))]


SKIES: list[tuple[RGB, RGB]] = [
    ((255, 154, 120), (255, 224, 170)),  # dusk
    ((118, 176, 232), (214, 236, 250)),  # clear day
    ((72, 61, 139), (247, 166, 124)),  # violet sunset
    ((255, 200, 164), (255, 239, 213)),  # morning haze
]


def paint_mountains(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    top, bottom = SKIES[rng.randrange(len(SKIES))]
    image.paste(_vertical_gradient((w, h), top, bottom))
    draw = ImageDraw.Draw(image)
    sun_r = rng.randint(w // 14, w // 8)
    sx, sy = rng.randint(w // 5, 4 * w // 5), rng.randint(h // 6, h // 3)
    draw.ellipse((sx - sun_r, sy - sun_r, sx + sun_r, sy + sun_r), fill=(255, 244, 214))
    base = _pick(rng, [(60, 90, 120), (70, 60, 110), (40, 80, 80), (90, 70, 90)])
    layers = 4
    for layer in range(layers):
        horizon = h * (0.45 + 0.13 * layer)
        color = _mix(_mix(top, bottom, 0.6), base, (layer + 1) / layers)
        points: list[tuple[float, float]] = [(0, h)]
        x = 0.0
        while x < w:
            points.append((x, horizon - rng.uniform(0, h * 0.16)))
            x += rng.uniform(w * 0.06, w * 0.18)
        points += [(w, horizon - rng.uniform(0, h * 0.1)), (w, h)]
        draw.polygon(points, fill=color)


def paint_sea(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    top, bottom = SKIES[rng.randrange(len(SKIES))]
    horizon = int(h * rng.uniform(0.5, 0.62))
    _paste_gradient(image, (0, 0, w, horizon), top, bottom)
    sea_top = _mix(bottom, (40, 110, 160), 0.55)
    draw = ImageDraw.Draw(image)
    sx, r = rng.randint(w // 4, 3 * w // 4), rng.randint(w // 12, w // 8)
    draw.ellipse((sx - r, horizon - r * 1.2, sx + r, horizon + r * 0.8), fill=(255, 236, 200))
    _paste_gradient(image, (0, horizon, w, h), sea_top, (20, 60, 100))  # the sun sets behind the sea
    for _ in range(24):  # the sun's glitter on the water
        y = rng.randint(horizon + 8, h - 8)
        half = rng.randint(w // 40, w // 10) * (1 - (y - horizon) / (h - horizon) * 0.5)
        draw.line((sx - half, y, sx + half, y), fill=(255, 228, 190), width=rng.randint(2, 5))
    sand = _pick(rng, [(236, 214, 178), (226, 200, 160)])
    draw.polygon([(0, h), (0, h * 0.9), (w * 0.4, h * 0.95), (w, h * 0.88), (w, h)], fill=sand)


def paint_city(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    image.paste(_vertical_gradient((w, h), (22, 24, 58), (190, 92, 120)))
    draw = ImageDraw.Draw(image)
    x = -rng.randint(0, 40)
    while x < w:
        bw = rng.randint(w // 12, w // 6)
        top = int(h * rng.uniform(0.3, 0.7))
        body = _pick(rng, [(30, 32, 60), (40, 38, 72), (26, 28, 48)])
        draw.rectangle((x, top, x + bw, h), fill=body)
        for wy in range(top + 14, h - 10, 26):
            for wx in range(x + 10, x + bw - 12, 20):
                if rng.random() < 0.45:
                    draw.rectangle(
                        (wx, wy, wx + 9, wy + 13), fill=_pick(rng, [(255, 214, 120), (255, 240, 190)])
                    )
        x += bw + rng.randint(2, 12)
    draw.rectangle((0, int(h * 0.93), w, h), fill=(16, 16, 30))


def paint_plate(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    wood = _pick(rng, [(176, 122, 84), (150, 104, 70), (206, 170, 130), (92, 74, 66)])
    image.paste(wood, (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    for y in range(0, h, rng.randint(50, 90)):
        draw.line((0, y, w, y + rng.randint(-20, 20)), fill=_shade(wood, 0.9), width=3)
    cx, cy, r = w // 2, h // 2, int(min(w, h) * 0.38)
    draw.ellipse((cx - r + 14, cy - r + 22, cx + r + 14, cy + r + 22), fill=_shade(wood, 0.7))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 248, 244))
    draw.ellipse(
        (cx - r * 0.78, cy - r * 0.78, cx + r * 0.78, cy + r * 0.78), outline=(226, 222, 214), width=4
    )
    food = [(220, 60, 40), (250, 196, 60), (90, 160, 70), (240, 130, 50), (180, 40, 40), (255, 230, 150)]
    for _ in range(rng.randint(6, 12)):
        fr = rng.randint(r // 9, r // 4)
        fx = cx + rng.randint(-r // 2, r // 2)
        fy = cy + rng.randint(-r // 2, r // 2)
        draw.ellipse((fx - fr, fy - fr * 0.8, fx + fr, fy + fr * 0.8), fill=_pick(rng, food))
    stick = (60, 40, 30) if rng.random() < 0.5 else (230, 220, 200)
    draw.line((cx + r * 1.05, cy - r * 0.9, cx + r * 0.75, cy + r * 1.2), fill=stick, width=12)
    draw.line((cx + r * 1.2, cy - r * 0.85, cx + r * 0.92, cy + r * 1.25), fill=stick, width=12)


def paint_bowl(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    cloth = _pick(rng, [(236, 228, 214), (196, 214, 206), (232, 206, 196)])
    image.paste(cloth, (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    for x in range(0, w, 60):  # a checked table cloth
        draw.rectangle((x, 0, x + 28, h), fill=_shade(cloth, 0.95))
    cx, cy, r = w // 2, int(h * 0.52), int(min(w, h) * 0.36)
    rim = _pick(rng, [(40, 70, 120), (170, 50, 40), (30, 30, 30)])
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=rim)
    soup = _pick(rng, [(214, 110, 50), (236, 200, 140), (190, 70, 40)])
    inner = int(r * 0.86)
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=soup)
    for _ in range(16):  # noodles
        a = rng.randint(0, 360)
        rr = rng.randint(inner // 4, int(inner * 0.8))
        draw.arc(
            (cx - rr, cy - rr, cx + rr, cy + rr), a, a + rng.randint(60, 160), fill=(250, 232, 180), width=9
        )
    for _ in range(8):  # spring onion
        gx, gy = cx + rng.randint(-inner // 2, inner // 2), cy + rng.randint(-inner // 2, inner // 2)
        draw.ellipse((gx - 9, gy - 9, gx + 9, gy + 9), fill=(90, 170, 70))


def paint_lipstick(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    pastel = _pick(rng, [(252, 228, 236), (240, 230, 250), (255, 236, 222), (230, 244, 240)])
    image.paste(_vertical_gradient((w, h), pastel, _shade(pastel, 0.92)))
    draw = ImageDraw.Draw(image)
    shades = [(190, 30, 60), (214, 84, 96), (160, 40, 50), (232, 120, 120), (140, 30, 70), (200, 70, 60)]
    count = rng.randint(3, 5)
    slot = w / (count + 1)
    for i in range(count):
        x = slot * (i + 1)
        tw = slot * 0.42
        base_top = h * rng.uniform(0.5, 0.6)
        draw.rounded_rectangle((x - tw, base_top, x + tw, h * 0.86), radius=10, fill=(40, 36, 40))
        draw.rectangle((x - tw * 0.8, base_top - h * 0.06, x + tw * 0.8, base_top), fill=(214, 180, 110))
        color = shades[(i + rng.randrange(len(shades))) % len(shades)]
        tip = base_top - h * rng.uniform(0.16, 0.22)
        draw.polygon(
            [(x - tw * 0.7, base_top - h * 0.06), (x - tw * 0.7, tip + 30), (x + tw * 0.7, tip),
             (x + tw * 0.7, base_top - h * 0.06)],
            fill=color,
        )  # fmt: skip
    for _ in range(14):  # sparkles
        sx, sy, s = rng.randint(0, w), rng.randint(0, int(h * 0.4)), rng.randint(4, 10)
        draw.polygon([(sx, sy - s), (sx + s / 3, sy), (sx, sy + s), (sx - s / 3, sy)], fill=(255, 255, 255))


def paint_blocks(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    palettes = [
        [(242, 92, 84), (247, 178, 103), (36, 123, 160), (246, 240, 230)],
        [(30, 30, 36), (220, 200, 170), (170, 60, 50), (240, 236, 228)],
        [(92, 110, 90), (226, 214, 190), (180, 140, 100), (60, 60, 70)],
    ]
    colors = palettes[rng.randrange(len(palettes))]
    image.paste(colors[3], (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    split = rng.uniform(0.35, 0.65)
    draw.polygon([(0, 0), (w * split, 0), (w * (split - 0.2), h), (0, h)], fill=colors[0])
    draw.ellipse((w * 0.55, h * 0.08, w * 0.95, h * 0.08 + w * 0.4), fill=colors[1])
    # a coat on a hanger
    cx, top = w * 0.5, h * 0.22
    draw.line((cx, top - h * 0.06, cx, top), fill=(60, 60, 60), width=6)
    draw.line(
        (cx - w * 0.18, top + h * 0.05, cx, top, cx + w * 0.18, top + h * 0.05), fill=(60, 60, 60), width=6
    )
    body = colors[2]
    draw.polygon(
        [(cx - w * 0.16, top + h * 0.05), (cx + w * 0.16, top + h * 0.05), (cx + w * 0.24, h * 0.85),
         (cx - w * 0.24, h * 0.85)],
        fill=body,
    )  # fmt: skip
    draw.polygon(
        [(cx - w * 0.05, top + h * 0.05), (cx, top + h * 0.25), (cx + w * 0.05, top + h * 0.05)],
        fill=colors[3],
    )
    for i in range(3):
        draw.ellipse(
            (cx - 8, top + h * (0.3 + 0.1 * i), cx + 8, top + h * (0.3 + 0.1 * i) + 16), fill=colors[3]
        )


def paint_cafe(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    table = _pick(rng, [(120, 84, 60), (232, 226, 216), (70, 80, 76)])
    image.paste(table, (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    cx, cy, r = int(w * rng.uniform(0.4, 0.6)), int(h * rng.uniform(0.42, 0.58)), int(min(w, h) * 0.26)
    draw.ellipse((cx - r * 1.5, cy - r * 1.5, cx + r * 1.5, cy + r * 1.5), fill=(248, 246, 242))  # saucer
    draw.ellipse((cx - r * 1.5, cy - r * 1.5, cx + r * 1.5, cy + r * 1.5), outline=(220, 214, 204), width=5)
    draw.rounded_rectangle(
        (cx + r * 0.9, cy - r * 0.25, cx + r * 1.45, cy + r * 0.25), radius=20, fill=(240, 238, 234)
    )
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 250, 248))
    draw.ellipse((cx - r * 0.85, cy - r * 0.85, cx + r * 0.85, cy + r * 0.85), fill=(150, 96, 56))
    # latte art: a heart
    s = r * 0.45
    draw.ellipse((cx - s, cy - s * 0.8, cx, cy + s * 0.1), fill=(246, 230, 206))
    draw.ellipse((cx, cy - s * 0.8, cx + s, cy + s * 0.1), fill=(246, 230, 206))
    draw.polygon(
        [(cx - s * 0.95, cy - s * 0.2), (cx + s * 0.95, cy - s * 0.2), (cx, cy + s * 0.9)],
        fill=(246, 230, 206),
    )
    # a book at the edge
    bx = int(w * 0.05)
    draw.rectangle(
        (bx, int(h * 0.72), bx + int(w * 0.35), h),
        fill=_pick(rng, [(60, 90, 140), (170, 60, 60), (70, 120, 90)]),
    )
    draw.rectangle((bx + 10, int(h * 0.72) + 10, bx + int(w * 0.35) - 10, h), fill=(246, 242, 232))


def paint_window(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    wall = _pick(rng, [(236, 226, 210), (214, 224, 220), (240, 220, 214)])
    image.paste(wall, (0, 0, w, h))
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = int(w * 0.18), int(h * 0.1), int(w * 0.82), int(h * 0.66)
    top_sky, bottom_sky = SKIES[rng.randrange(len(SKIES))]
    _paste_gradient(image, (left, top, right, bottom), top_sky, bottom_sky)
    frame = (250, 250, 248)
    draw.rectangle((left, top, right, bottom), outline=frame, width=16)
    draw.line(((left + right) / 2, top, (left + right) / 2, bottom), fill=frame, width=12)
    draw.line((left, (top + bottom) / 2, right, (top + bottom) / 2), fill=frame, width=12)
    draw.rectangle((left - 30, bottom, right + 30, bottom + 24), fill=_shade(wall, 0.85))  # sill
    px = int(w * rng.uniform(0.3, 0.7))
    pot = _pick(rng, [(200, 110, 70), (90, 90, 100), (240, 240, 236)])
    for _ in range(9):  # leaves
        lx = px + rng.randint(-w // 10, w // 10)
        ly = bottom - rng.randint(h // 20, h // 6)
        draw.ellipse(
            (lx - 26, ly - 60, lx + 26, ly + 60),
            fill=_pick(rng, [(70, 140, 80), (50, 110, 70), (100, 160, 90)]),
        )
    draw.polygon(
        [(px - 60, bottom - 70), (px + 60, bottom - 70), (px + 45, bottom), (px - 45, bottom)], fill=pot
    )


def paint_cat(image: Image.Image, rng: random.Random) -> None:
    w, h = image.size
    bg = _pick(rng, [(250, 236, 214), (226, 236, 246), (236, 246, 232)])
    image.paste(_vertical_gradient((w, h), bg, _shade(bg, 0.9)))
    draw = ImageDraw.Draw(image)
    fur = _pick(rng, [(240, 160, 80), (60, 60, 64), (236, 232, 226), (150, 120, 100)])
    cx, cy, r = w // 2, int(h * 0.56), int(min(w, h) * 0.24)
    draw.ellipse((cx - r * 1.5, cy + r * 0.3, cx + r * 1.5, cy + r * 2.4), fill=fur)  # body
    draw.polygon(
        [(cx - r * 0.95, cy - r * 0.3), (cx - r * 0.75, cy - r * 1.35), (cx - r * 0.15, cy - r * 0.85)],
        fill=fur,
    )
    draw.polygon(
        [(cx + r * 0.95, cy - r * 0.3), (cx + r * 0.75, cy - r * 1.35), (cx + r * 0.15, cy - r * 0.85)],
        fill=fur,
    )
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fur)
    eye = (60, 140, 80) if fur[0] < 100 else (40, 40, 40)
    for dx in (-0.4, 0.4):
        ex = cx + r * dx
        draw.ellipse((ex - r * 0.13, cy - r * 0.2, ex + r * 0.13, cy + r * 0.08), fill=eye)
    draw.polygon(
        [(cx - r * 0.1, cy + r * 0.2), (cx + r * 0.1, cy + r * 0.2), (cx, cy + r * 0.32)],
        fill=(230, 120, 130),
    )
    for side in (-1, 1):
        for dy in (0.28, 0.4):
            draw.line(
                (cx + side * r * 0.25, cy + r * dy, cx + side * r * 1.1, cy + r * (dy - 0.08)),
                fill=(80, 70, 70),
                width=3,
            )


PAINTERS: dict[str, Painter] = {
    "mountains": paint_mountains,
    "sea": paint_sea,
    "city": paint_city,
    "plate": paint_plate,
    "bowl": paint_bowl,
    "lipstick": paint_lipstick,
    "blocks": paint_blocks,
    "cafe": paint_cafe,
    "window": paint_window,
    "cat": paint_cat,
}


def _label(image: Image.Image, text: str) -> None:
    """A large caption across the lower part, like the text people put on their cover photos."""
    w, h = image.size
    font = ImageFont.load_default(size=max(56, w // 6))
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x, y = (w - (right - left)) / 2 - left, h * 0.78 - (bottom - top) / 2 - top
    shadow = Image.new("L", image.size, 0)
    ImageDraw.Draw(shadow).text((x + 4, y + 6), text, font=font, fill=150)
    image.paste((0, 0, 0), mask=shadow.filter(ImageFilter.GaussianBlur(8)))
    draw.text((x, y), text, font=font, fill=(255, 255, 255))


def _gps_exif(lat: float, lng: float) -> Image.Exif:
    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return (float(degrees), float(minutes), round(((value - degrees) * 60 - minutes) * 60, 2))

    exif = Image.Exif()
    exif[Base.Make] = "Hongshu Demo Camera"
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
    gps[GPS.GPSLatitude] = dms(lat)
    gps[GPS.GPSLongitudeRef] = "E" if lng >= 0 else "W"
    gps[GPS.GPSLongitude] = dms(lng)
    return exif


def render_photo(spec: PhotoSpec) -> bytes:
    """The encoded bytes of one demo photo; the same spec always gives the same bytes."""
    rng = random.Random(spec.seed)
    image = Image.new("RGB", SHAPES[spec.shape], (255, 255, 255))
    PAINTERS[spec.painter](image, rng)
    if spec.label:
        _label(image, spec.label)
    buffer = io.BytesIO()
    if spec.fmt == "PNG":
        image.save(buffer, format="PNG", optimize=False, compress_level=1)
    else:
        extra = {"exif": _gps_exif(*spec.gps)} if spec.gps else {}
        image.save(buffer, format="JPEG", quality=88, **extra)
    return buffer.getvalue()


def render_avatar(seed: int) -> bytes:
    """A small abstract avatar: a two-colour gradient with soft circles."""
    rng = random.Random(seed)
    palette = [
        (255, 120, 120),
        (255, 190, 120),
        (120, 200, 170),
        (120, 160, 240),
        (190, 140, 230),
        (250, 150, 190),
    ]
    top, bottom = rng.sample(palette, 2)
    image = _vertical_gradient((400, 400), top, bottom)
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        r = rng.randint(60, 140)
        x, y = rng.randint(0, 400), rng.randint(0, 400)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_mix(_pick(rng, palette), (255, 255, 255), 0.35))
    image = image.filter(ImageFilter.GaussianBlur(6))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()
