"""Draw the grey-scale stand-in images for the example cases in content/examples/.

These are drawn illustrations (ellipses, lines, noise), not patient images; every figure that
uses one says so in its credit. Deterministic: fixed seeds, no metadata, no network, so a rerun
writes byte-identical files. Needs numpy and Pillow only.

    python assets/examples/draw.py [OUT_DIR]   # default: this folder; or make example-images
"""

import sys
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent


def blur(a, s):
    """Separable Gaussian blur (sigma in pixels)."""
    r = int(3 * s) + 1
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / s) ** 2)
    k /= k.sum()
    p = np.pad(a, r, mode="edge")
    p = sum(w * p[i : i + a.shape[0], :] for i, w in enumerate(k))
    return sum(w * p[:, i : i + a.shape[1]] for i, w in enumerate(k))


def cloud(rng, shape, cell):
    """Smooth low-frequency texture in about [-1, 1]: coarse noise, upsampled."""
    h, w = shape
    small = rng.normal(0, 1, (max(2, h // cell), max(2, w // cell))).astype(np.float32)
    big = np.asarray(Image.fromarray(small, "F").resize((w, h), Image.BICUBIC))
    return big / (np.abs(big).max() + 1e-6)


def render(name, size, bg, shapes, seed, noise=0.016, sigma=1.0, fan=False, bits=8):
    """Shapes, in fractions of the width (x, rx) and height (y, ry):
    ("e", cx, cy, rx, ry, value[, angle])  filled ellipse, painted over
    ("g", cx, cy, rx, ry, delta)            soft Gaussian blob, added
    ("c", cx, cy, rx, ry, amplitude, cell)  cloudy texture inside a soft ellipse, added
    ("l", [(x, y), ...], width, value)      polyline of a given width (fraction of width)"""
    w, h = size
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    xx, yy = (xx + 0.5) / w, (yy + 0.5) / h
    a = np.full((h, w), float(bg))
    for kind, *p in shapes:
        if kind == "l":
            pts, width, v = p
            d = np.full(a.shape, 1e9)
            for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
                vx, vy = (x1 - x0) * w, (y1 - y0) * h
                px, py = (xx - x0) * w, (yy - y0) * h
                t = np.clip((px * vx + py * vy) / (vx * vx + vy * vy + 1e-9), 0, 1)
                d = np.minimum(d, np.hypot(px - t * vx, py - t * vy))
            alpha = np.clip(width * w / 2 - d + 0.5, 0, 1)
            a = a * (1 - alpha) + v * alpha
            continue
        cx, cy, rx, ry, v, *rest = p
        ang = np.radians(rest[0]) if rest and kind == "e" else 0.0
        dx, dy = (xx - cx) * w, (yy - cy) * h
        u = (dx * np.cos(ang) + dy * np.sin(ang)) / (rx * w)
        q = (-dx * np.sin(ang) + dy * np.cos(ang)) / (ry * h)
        r = np.hypot(u, q)
        if kind == "e":
            alpha = np.clip((1 - r) * min(rx * w, ry * h) + 0.5, 0, 1)
            a = a * (1 - alpha) + v * alpha
        elif kind == "g":
            a += v * np.exp(-2 * r * r)
        elif kind == "c":
            a += v * cloud(rng, a.shape, rest[0]) * np.clip(1.5 - r, 0, 1)
    a += rng.normal(0, noise, a.shape)
    if fan:  # ultrasound: multiplicative speckle inside a sector from the top centre
        a *= 0.55 + 0.45 * rng.rayleigh(1, a.shape)
        a = blur(a, 0.8)
        rad = np.hypot(xx - 0.5, (yy + 0.08) * h / w)
        th = np.degrees(np.arctan2(xx - 0.5, yy + 0.08))
        a *= (np.abs(th) < 36) & (rad > 0.16) & (rad < 1.02 * h / w)
    else:
        a = blur(a, sigma)
    a = np.clip(a, 0, 1)
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if bits == 16:  # 12 of the 16 bits used, as CT and NM exports do
        Image.fromarray((a * 4095).round().astype(np.uint16)).save(path)
    else:
        image = Image.fromarray((a * 255).round().astype(np.uint8))
        image.save(path, **({"quality": 85} if path.suffix == ".jpg" else {"optimize": True}))
    print(path)


def head(skull, brain, csf, scalp=0.55, ventricles=True):
    """Axial head (MR-like): scalp, skull, brain, lateral ventricles, falx."""
    s = [("e", .5, .5, .40, .46, scalp), ("e", .5, .5, .385, .445, skull),
         ("e", .5, .5, .36, .42, brain)]
    if ventricles:
        s += [("e", .46, .48, .03, .11, csf, -12), ("e", .54, .48, .03, .11, csf, 12)]
    return s + [("l", [(.5, .09), (.5, .3)], .006, csf), ("l", [(.5, .66), (.5, .91)], .006, csf)]


def chest_xr(child=False, lat=False):
    """Frontal (or lateral) chest radiograph: soft tissue, lungs, ribs, mediastinum, spine."""
    if lat:
        return [("e", .5, .55, .42, .52, .55), ("e", .5, .47, .33, .36, .2),
                ("c", .5, .47, .3, .33, .05, 18), ("e", .38, .68, .16, .13, .62),
                ("e", .83, .55, .06, .45, .72), ("e", .5, .9, .4, .1, .6)]
    hw = .2 if child else .17
    s = [("e", .5, .6, .48, .56, .52), ("e", .48 - hw, .48, hw, .32, .18),
         ("e", .52 + hw, .48, hw, .32, .18), ("c", .31, .5, .17, .3, .05, 16),
         ("c", .69, .5, .17, .3, .05, 16)]
    for i in range(8):  # posterior ribs
        y = .2 + .065 * i
        s += [("l", [(.47, y), (.35, y - .04), (.2, y + .01), (.15, y + .06)], .013, .32),
              ("l", [(.53, y), (.65, y - .04), (.8, y + .01), (.85, y + .06)], .013, .32)]
    s += [("e", .5, .55, .035, .5, .66), ("e", .5, .36, .06, .22, .64),
          ("e", .55, .62, hw, .13, .7), ("e", .44, .3, .05, .07, .6), ("e", .5, .95, .45, .08, .6)]
    return s + [("l", [(.2, .19), (.44, .23)], .022, .75),  # clavicles
                ("l", [(.8, .19), (.56, .23)], .022, .75)]


def abdomen(liver=.52, spleen=.52, aorta=.6, kidneys=False):
    """Axial abdominal CT, soft-tissue window: fat, wall, liver, spleen, spine, aorta, stomach."""
    s = [("e", .5, .52, .46, .36, .22), ("e", .5, .52, .43, .33, .45),
         ("e", .5, .52, .41, .31, .27), ("e", .32, .42, .2, .18, liver),
         ("e", .79, .45, .09, .13, spleen), ("e", .5, .78, .06, .065, .85),
         ("e", .5, .79, .035, .035, .42), ("e", .53, .66, .028, .035, aorta),
         ("e", .43, .83, .05, .06, .45), ("e", .57, .83, .05, .06, .45),
         ("e", .58, .38, .09, .07, .05)]
    if kidneys:
        s += [("e", .35, .72, .07, .09, .62, 20), ("e", .65, .72, .07, .09, .62, -20)]
    return s


def bone_scan():
    """Posterior whole-body bone scan, inverted display (activity dark on white)."""
    s = [("e", .5, .5, .3, .47, .93), ("e", .5, .07, .1, .05, .55),
         ("l", [(.5, .14), (.5, .5)], .05, .45), ("e", .4, .55, .1, .05, .55),
         ("e", .6, .55, .1, .05, .55), ("l", [(.42, .6), (.41, .77), (.43, .95)], .035, .6),
         ("l", [(.58, .6), (.59, .77), (.57, .95)], .035, .6),
         ("l", [(.3, .2), (.22, .36), (.2, .5)], .03, .65),
         ("l", [(.7, .2), (.78, .36), (.8, .5)], .03, .65)]
    for i in range(6):  # ribs
        y = .2 + .045 * i
        s += [("l", [(.47, y), (.36, y + .01), (.34, y + .04)], .008, .75),
              ("l", [(.53, y), (.64, y + .01), (.66, y + .04)], .008, .75)]
    return s + [("e", .43, .35, .04, .04, .78), ("e", .57, .35, .04, .04, .78)]  # kidneys


def sector(extra):
    """Ultrasound tissue background with a cloudy echotexture (masked to a sector later)."""
    return [("e", .5, .5, .8, .8, .5), ("c", .5, .55, .7, .7, .08, 22)] + extra


def rays(cx, cy, rx, ry, n, width, value, turn=6.1):
    """Short lines radiating from a point (spicules, streaks of gas)."""
    return [("l", [(cx, cy), (cx + rx * np.cos(t), cy + ry * np.sin(t))], width, value)
            for t in np.linspace(0, turn, n)]


def main():
    r, ct, head_size = render, (600, 492), (448, 512)
    # neuro-01: ring lesion in the right frontal lobe (image left)
    p = (.33, .38)
    r("neuro-01/t1c.png", head_size, .02, head(.1, .4, .15) + [
        ("g", *p, .09, .08, -.08), ("e", *p, .065, .055, .86), ("e", *p, .05, .042, .16)], 11)
    r("neuro-01/dwi.png", head_size, .02, head(.06, .36, .08, .12) + [
        ("e", *p, .06, .05, .42), ("e", *p, .048, .04, .9)], 12, noise=.04)
    r("neuro-01/adc.png", head_size, .02, head(.06, .45, .85, .12) + [
        ("g", *p, .12, .11, .25), ("e", *p, .06, .05, .5), ("e", *p, .048, .04, .14)],
      13, noise=.04)
    # neuro-02: posterior-predominant subcortical FLAIR signal
    occipital = [("g", .33, .76, .08, .06, .36), ("g", .67, .77, .08, .06, .38)]
    r("neuro-02/flair-1.png", head_size, .02, head(.08, .44, .05, .6) + occipital + [
        ("g", .27, .62, .05, .05, .2)], 21)
    r("neuro-02/flair-2.png", head_size, .02, head(.08, .44, .05, .6, False) + [
        ("g", .36, .28, .05, .06, .3), ("g", .64, .27, .05, .06, .3),
        ("g", .32, .66, .06, .05, .32), ("g", .68, .66, .06, .05, .3)], 22)
    r("neuro-02/adc.png", head_size, .02, head(.06, .45, .85, .12) + [
        ("g", .33, .76, .08, .06, .14), ("g", .67, .77, .08, .06, .15)], 23, noise=.04)
    # chest-01: left upper lobe volume loss (image right): frontal, lateral, CT
    r("chest-01/pa.png", (480, 560), .03, chest_xr() + [
        ("g", .68, .36, .15, .2, .3), ("e", .6, .34, .035, .04, .62),
        ("l", [(.565, .22), (.56, .3)], .012, .16)], 31)
    r("chest-01/lat.png", (480, 560), .03, chest_xr(lat=True) + [
        ("e", .4, .38, .05, .24, .52, -30)], 32)
    r("chest-01/ct.png", ct, .02, [
        ("e", .5, .52, .46, .4, .45), ("e", .3, .5, .17, .3, .03), ("e", .7, .5, .17, .3, .03),
        ("e", .5, .45, .11, .25, .5), ("e", .45, .47, .045, .06, .7), ("e", .5, .8, .05, .07, .9),
        ("e", .62, .34, .09, .13, .5, -35), ("e", .58, .42, .04, .045, .47)], 33)
    # chest-02: lung-window nodule with a ground-glass rim; follow-up with an air crescent
    lung = [("e", .5, .52, .46, .38, .72), ("e", .3, .5, .18, .32, .1),
            ("e", .7, .5, .18, .32, .1), ("c", .3, .5, .17, .3, .06, 10),
            ("c", .7, .5, .17, .3, .06, 10), ("e", .5, .5, .08, .3, .75),
            ("e", .5, .82, .05, .07, .95)]
    r("chest-02/ct-1.png", ct, .02, lung + [
        ("g", .27, .34, .055, .07, .28), ("e", .27, .34, .028, .035, .8),
        ("g", .74, .6, .03, .035, .2), ("e", .74, .6, .014, .017, .78)], 41)
    r("chest-02/ct-2.png", ct, .02, lung + [
        ("e", .27, .34, .036, .045, .8), ("e", .27, .325, .03, .033, .08),
        ("e", .272, .345, .025, .03, .78)], 42)
    # abd-01: cirrhotic liver, segment VIII lesion in three phases (arterial phase 16-bit)
    p = (.26, .36)
    r("abd-01/arterial.png", ct, .02, abdomen(.45, .62, .97) + [
        ("e", *p, .045, .055, .74)], 51, noise=.006, bits=16)
    r("abd-01/portal.png", ct, .02, abdomen(.6, .6, .7) + [
        ("e", *p, .05, .06, .68), ("e", *p, .043, .052, .47)], 52)
    r("abd-01/delayed.png", ct, .02, abdomen(.55, .55, .6) + [
        ("e", *p, .05, .06, .66), ("e", *p, .043, .052, .43)], 53)
    # peds-01: round opacity in the right lower lobe (image left), before and after treatment
    r("peds-01/frontal.png", head_size, .03, chest_xr(child=True) + [
        ("g", .3, .6, .075, .065, .38)], 61)
    r("peds-01/lateral.png", head_size, .03, chest_xr(lat=True) + [
        ("g", .68, .6, .07, .06, .35)], 62)
    r("peds-01/followup.png", head_size, .03, chest_xr(child=True), 63)
    # breast-01: mammogram (MLO, CC) with a spiculated mass; targeted sonogram
    mass = rays(.46, .47, .09, .07, 11, .005, .6) + [("e", .46, .47, .035, .025, .78)]
    breast = [("e", 1.0, .55, .78, .42, .3), ("c", .75, .5, .3, .3, .12, 14),
              ("g", .78, .5, .22, .25, .15)]
    r("breast-01/mlo.png", (400, 560), .0, breast + [("e", 1.05, .05, .2, .5, .58, 25)] + mass, 71)
    r("breast-01/cc.png", (400, 560), .0, breast + mass, 72)
    r("breast-01/us.png", (672, 504), .45, [
        ("e", .5, .03, .7, .03, .85), ("e", .5, .2, .7, .12, .28), ("c", .5, .55, .7, .4, .2, 20),
        ("e", .5, .95, .7, .08, .35), ("g", .5, .8, .08, .3, -.25),
        ("e", .49, .45, .07, .12, .06, 10), ("e", .53, .4, .05, .08, .07, -25),
        ("g", .5, .43, .13, .17, .12)], 73, sigma=1.3, noise=.09)
    # nm-01: posterior whole-body bone scan (16-bit) and an AP pelvic radiograph (JPEG)
    r("nm-01/posterior.png", (256, 640), 1.0, bone_scan() + [
        ("e", .62, .55, .11, .055, .1), ("e", .5, .44, .035, .018, .15)],
      81, noise=.015, sigma=2.2, bits=16)
    r("nm-01/pelvis.jpg", (630, 504), .05, [
        ("e", .5, .5, .5, .55, .3), ("e", .28, .35, .2, .17, .55, -20),
        ("e", .72, .35, .2, .17, .52, 20), ("e", .5, .56, .25, .2, .6),
        ("e", .5, .55, .19, .15, .28), ("e", .5, .4, .08, .14, .58),
        ("e", .38, .76, .06, .07, .12), ("e", .62, .76, .06, .07, .12),
        ("e", .22, .66, .07, .07, .66), ("e", .78, .66, .07, .07, .63),
        ("l", [(.2, .66), (.14, .98)], .1, .6), ("l", [(.8, .66), (.86, .98)], .1, .58),
        ("c", .27, .45, .16, .2, .18, 5),
        ("l", [(.31, .46), (.3, .56), (.33, .66), (.4, .71)], .03, .85)], 82)
    # us-01: gallbladder, longitudinal and transverse (sector-shaped, speckled)
    wall = [("e", .5, .52, .27, .12, .75, 8), ("e", .5, .52, .25, .1, .2, 8),
            ("e", .5, .52, .235, .09, .02, 8)]
    r("us-01/long.png", (576, 504), .0, sector(wall + [
        ("l", [(.3, .6), (.28, 1.0)], .09, .05), ("e", .31, .56, .035, .03, .95)]), 91, fan=True)
    r("us-01/trans.png", (576, 504), .0, sector([
        ("e", .5, .55, .16, .14, .75), ("e", .5, .55, .14, .12, .25),
        ("e", .5, .55, .125, .105, .02), ("e", .62, .66, .07, .03, .06, -30)]), 92, fan=True)
    # ir-01: CT angiogram, then digital subtraction angiograms before and after coiling
    r("ir-01/cta.png", ct, .02, abdomen(.55, .55, .97) + [
        ("e", .66, .52, .08, .07, .32), ("e", .67, .51, .035, .03, .95),
        ("l", [(.53, .6), (.6, .55), (.66, .52)], .012, .9)], 101)
    catheter = [("l", [(.5, 1.0), (.5, .55)], .01, .35)]
    branches = [("l", [(.5, .5), (.4, .45), (.3, .4), (.22, .3)], .024, .15),
                ("l", [(.5, .52), (.47, .38), (.5, .28)], .014, .2),
                ("l", [(.4, .45), (.42, .6)], .014, .2)]
    splenic = [(.5, .6), (.5, .5), (.55, .45), (.6, .5), (.68, .42), (.75, .46), (.85, .35)]
    r("ir-01/dsa-pre.png", (512, 512), .88, catheter + [("l", splenic, .028, .15)] + branches + [
        ("e", .7, .47, .05, .045, .12)], 102)
    rng = np.random.default_rng(7)
    coils = [("l", [tuple(q) for q in np.array([.655, .46]) + rng.normal(0, .012, (6, 2))],
              .006, .02) for _ in range(4)]
    stump = [("l", splenic[:4] + [(.65, .46)], .028, .15)]
    r("ir-01/dsa-post.png", (512, 512), .88, catheter + stump + branches + coils, 103)
    # gu-01: gas in the left kidney (image right), axial and coronal CT
    r("gu-01/axial.png", ct, .02, abdomen(.55, .55, .65, kidneys=True)
      + rays(.68, .72, .04, .05, 7, .008, .0, 5.5) + [("e", .77, .74, .02, .012, .0)], 111)
    r("gu-01/coronal.png", (492, 600), .02, [
        ("e", .5, .5, .46, .48, .22), ("e", .5, .5, .42, .45, .3),
        ("l", [(.5, .2), (.5, .95)], .09, .85), ("e", .3, .3, .2, .14, .55),
        ("e", .35, .55, .07, .12, .62), ("e", .65, .53, .07, .12, .6)]
      + rays(.65, .53, .05, .1, 7, .01, .0, 5.5), 112)
    # hn-01: post-contrast T1 of the posterior fossa, enhancing mass at the left porus
    r("hn-01/t1c.png", (512, 512), .02, [
        ("e", .5, .5, .44, .46, .5), ("e", .5, .5, .41, .43, .1), ("e", .5, .55, .38, .38, .4),
        ("e", .5, .45, .1, .09, .45), ("e", .27, .4, .22, .05, .08, 30),
        ("e", .73, .4, .22, .05, .08, -30), ("e", .5, .58, .02, .02, .12),
        ("e", .68, .45, .055, .05, .85), ("e", .75, .41, .05, .012, .85, -30)], 121)
    # er-01: erect chest radiograph with subdiaphragmatic gas; CT with anterior free gas
    r("er-01/cxr.png", (480, 560), .03, chest_xr() + [
        ("e", .3, .84, .15, .045, .14), ("e", .3, .875, .16, .045, .55),
        ("e", .7, .84, .12, .03, .13), ("e", .7, .865, .13, .03, .5)], 131)
    r("er-01/ct.png", ct, .02, abdomen(.55, .55, .65) + [
        ("e", .45, .24, .18, .04, .02), ("e", .56, .45, .012, .012, .02),
        ("e", .58, .47, .008, .008, .02), ("g", .6, .5, .06, .05, -.06)], 132)


if __name__ == "__main__":
    main()
