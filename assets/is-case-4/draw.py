"""Draw schematic stand-in images for the extramedullary hematopoiesis case.

The published teaching case (a 30-year-old with beta thalassemia and
extramedullary hematopoiesis) refers to a frontal chest radiograph and two
axial contrast CT sections.  The real images are not available to this
project, so this script draws honest, clearly labelled illustrations that show
a reader where the real images belong and what anatomy they would contain:

* ``cxr.png``  - a schematic PA chest radiograph with bilateral smooth,
  lobulated paraspinal soft-tissue masses at the mid-thoracic level;
* ``ct-1.png`` - a schematic axial contrast CT section at the level of the
  heart with bilateral paravertebral masses;
* ``ct-2.png`` - a lower section at the liver dome with larger masses.

Every image carries an "ILLUSTRATION" band and the note "schematic stand-in,
not patient data".  The image text deliberately names no diagnosis or
finding, because the same images appear on "unknown" slides.

The output is fully deterministic (fixed geometry, ``random.Random(4)`` for
the small amount of texture, PNGs saved without metadata), so re-running the
script reproduces byte-identical files.  Only Pillow and the standard library
are used.

Usage::

    python assets/is-case-4/draw.py [OUTPUT_DIR]      # or: make illustrations

OUTPUT_DIR defaults to the folder of this script.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from casedocs.fonts import find_family

Point = tuple[float, float]
Lobe = tuple[float, float, float, float]  # centre x, centre y, radius x, radius y

SS = 2  # supersampling factor: draw at 2x, downsample with LANCZOS
SEED = 4
DEFAULT_OUT = Path(__file__).resolve().parent

CXR_SIZE = (1000, 1200)
CXR_MID = 500.0
CT_SIZE = (768, 768)
CT_MID = 384.0

TITLE = "ILLUSTRATION"
SUBTITLE = "schematic stand-in, not patient data"


# --------------------------------------------------------------------------
# geometry helpers (all coordinates are given in final-image pixels)
# --------------------------------------------------------------------------

def interpolate_catmull(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    """Return the Catmull-Rom spline point between p1 and p2 at parameter t."""
    t2, t3 = t * t, t * t * t
    return tuple(  # type: ignore[return-value]
        0.5 * (2 * b + (c - a) * t + (2 * a - 5 * b + 4 * c - d) * t2
               + (3 * b - a - 3 * c + d) * t3)
        for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
    )


def smooth_loop(points: Sequence[Point], steps: int = 14) -> list[Point]:
    """Return a smooth closed curve through the control points."""
    n = len(points)
    out: list[Point] = []
    for i in range(n):
        quad = (points[i - 1], points[i], points[(i + 1) % n], points[(i + 2) % n])
        out.extend(interpolate_catmull(*quad, s / steps) for s in range(steps))
    return out


def smooth_path(points: Sequence[Point], steps: int = 14) -> list[Point]:
    """Return a smooth open curve through the control points."""
    padded = [points[0], *points, points[-1]]
    out: list[Point] = []
    for i in range(1, len(padded) - 2):
        quad = (padded[i - 1], padded[i], padded[i + 1], padded[i + 2])
        out.extend(interpolate_catmull(*quad, s / steps) for s in range(steps))
    out.append(points[-1])
    return out


def mirror_points(points: Sequence[Point], mid: float) -> list[Point]:
    """Reflect points about the vertical line x = mid."""
    return [(2 * mid - x, y) for x, y in points]


def mirror_lobes(lobes: Sequence[Lobe], mid: float) -> list[Lobe]:
    """Reflect ellipse lobes about the vertical line x = mid."""
    return [(2 * mid - x, y, rx, ry) for x, y, rx, ry in lobes]


def trace_ellipse(cx: float, cy: float, rx: float, ry: float,
                   deg: float = 0.0, n: int = 96) -> list[Point]:
    """Return the outline of a (possibly rotated) ellipse."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    pts = []
    for i in range(n):
        a = 2 * math.pi * i / n
        x, y = rx * math.cos(a), ry * math.sin(a)
        pts.append((cx + x * c - y * s, cy + x * s + y * c))
    return pts


def scale_points(points: Sequence[Point]) -> list[Point]:
    """Convert final-image coordinates to supersampled canvas coordinates."""
    return [(x * SS, y * SS) for x, y in points]


def shrink_points(points: Sequence[Point], centre: Point, fx: float, fy: float) -> list[Point]:
    """Scale points towards a centre (used to inset body outlines)."""
    cx, cy = centre
    return [(cx + (x - cx) * fx, cy + (y - cy) * fy) for x, y in points]


# --------------------------------------------------------------------------
# drawing helpers
# --------------------------------------------------------------------------

def make_canvas(size: tuple[int, int]) -> Image.Image:
    """Return a black supersampled grayscale canvas."""
    return Image.new("L", (size[0] * SS, size[1] * SS), 0)


def fill_shape(draw: ImageDraw.ImageDraw, points: Sequence[Point], value: int) -> None:
    """Fill a polygon given in final-image coordinates."""
    draw.polygon(scale_points(points), fill=value)


def fill_blob(draw: ImageDraw.ImageDraw, points: Sequence[Point], value: int) -> None:
    """Fill a smooth closed shape through the control points."""
    fill_shape(draw, smooth_loop(points), value)


def fill_ellipse(draw: ImageDraw.ImageDraw, cx: float, cy: float, rx: float,
                 ry: float, value: int, deg: float = 0.0) -> None:
    """Fill a (possibly rotated) ellipse."""
    fill_shape(draw, trace_ellipse(cx, cy, rx, ry, deg), value)


def fill_lobes(draw: ImageDraw.ImageDraw, lobes: Sequence[Lobe], value: int) -> None:
    """Fill the union of several ellipses (a smooth lobulated mass)."""
    for cx, cy, rx, ry in lobes:
        fill_ellipse(draw, cx, cy, rx, ry, value)


def stroke_path(draw: ImageDraw.ImageDraw, points: Sequence[Point],
                width: float, value: int) -> None:
    """Draw a thick polyline with rounded joints."""
    draw.line(scale_points(points), fill=value, width=max(1, round(width * SS)),
              joint="curve")


def stroke_shape(draw: ImageDraw.ImageDraw, points: Sequence[Point],
                 width: float, value: int) -> None:
    """Draw the closed outline of a polygon."""
    stroke_path(draw, [*points, points[0]], width, value)


def blur_image(img: Image.Image, radius: float) -> Image.Image:
    """Gaussian-blur an image by a radius given in final-image pixels."""
    return img.filter(ImageFilter.GaussianBlur(radius * SS)) if radius > 0 else img


def add_layer(canvas: Image.Image, layer: Image.Image, blur: float = 0.0) -> Image.Image:
    """Add a (blurred) attenuation layer to a radiograph canvas."""
    return ImageChops.add(canvas, blur_image(layer, blur))


def subtract_layer(canvas: Image.Image, layer: Image.Image, blur: float = 0.0) -> Image.Image:
    """Subtract a (blurred) layer from a radiograph canvas."""
    return ImageChops.subtract(canvas, blur_image(layer, blur))


def clip_layer(layer: Image.Image, mask: Image.Image) -> Image.Image:
    """Keep a layer only where the mask is white."""
    return ImageChops.multiply(layer, mask)


def downsample_image(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Downsample the supersampled canvas to the final size (anti-aliasing)."""
    return img.resize(size, Image.Resampling.LANCZOS)


def make_noise(size: tuple[int, int], amplitude: float, cell: int,
               rng: random.Random) -> Image.Image:
    """Return smooth deterministic noise centred on 128."""
    gw, gh = size[0] // cell + 2, size[1] // cell + 2
    data = [max(0, min(255, round(128 + rng.gauss(0, amplitude)))) for _ in range(gw * gh)]
    grid = Image.new("L", (gw, gh))
    grid.putdata(data)
    return grid.resize(size, Image.Resampling.BICUBIC, box=(0, 0, gw - 2, gh - 2))


def apply_noise(img: Image.Image, mask: Image.Image, amplitude: float,
                cell: int, rng: random.Random) -> Image.Image:
    """Add mild grain inside the mask only."""
    noisy = ImageChops.add(img, make_noise(img.size, amplitude, cell, rng), 1.0, -128)
    return Image.composite(noisy, img, mask)


# --------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------

def load_font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """The handout's own font (casedocs.fonts finds it: CASEDOCS_FONT_DIR, fontconfig, ...)."""
    family = find_family()
    return ImageFont.truetype(str(family.bold if bold else family.regular), size)


def draw_label(img: Image.Image) -> Image.Image:
    """Add the ILLUSTRATION band along the bottom and an R side marker."""
    w, h = img.size
    band = round(h * 0.095)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, h - band, w, h), fill=18)
    draw.line((0, h - band, w, h - band), fill=200, width=3)
    title_font = load_font(round(band * 0.46), bold=True)
    sub_font = load_font(round(band * 0.22), bold=False)
    margin = round(w * 0.03)
    draw.text((margin, h - band + band * 0.1), TITLE, fill=255, font=title_font)
    draw.text((margin, h - band + band * 0.66), SUBTITLE, fill=200, font=sub_font)
    marker_font = load_font(round(w * 0.06), bold=True)
    draw.text((margin, margin * 0.8), "R", fill=235, font=marker_font)
    return img


def save_png(img: Image.Image, path: Path) -> None:
    """Save an 8-bit grayscale PNG without metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img.convert("L").save(path, format="PNG", optimize=False)


# --------------------------------------------------------------------------
# chest radiograph (PA): an additive attenuation model
# --------------------------------------------------------------------------

def measure_chest_half_width(y: float) -> float:
    """Inner half-width of the thoracic cage at height y (for rib paths)."""
    table = [(100, 80), (150, 120), (220, 235), (300, 300), (400, 345),
             (500, 362), (600, 370), (1000, 375)]
    for (y0, w0), (y1, w1) in zip(table[:-1], table[1:], strict=True):
        if y <= y1:
            t = max(0.0, (y - y0) / (y1 - y0))
            return w0 + (w1 - w0) * t
    return table[-1][1]


def outline_body_cxr() -> list[Point]:
    """Return the skin outline of the neck, shoulders, chest and upper abdomen."""
    half = [(430, -60), (428, 40), (412, 125), (330, 165), (215, 185), (125, 215),
            (80, 275), (66, 350), (72, 450), (78, 620), (82, 820), (86, 1020), (92, 1260)]
    return half + mirror_points(half[::-1], CXR_MID)


def outline_lungs_cxr() -> tuple[list[Point], list[Point]]:
    """Return the right (image-left) and left (image-right) lung outlines."""
    right = [(398, 158), (340, 168), (272, 212), (205, 288), (160, 390), (140, 520),
             (131, 680), (133, 830), (140, 935), (150, 985), (172, 982), (240, 942),
             (320, 903), (400, 893), (480, 905), (485, 700), (485, 400), (460, 200)]
    left = [(x, y + 22 if y > 860 else y) for x, y in mirror_points(right, CXR_MID)]
    return right, left


def outline_mediastinum_cxr() -> list[Point]:
    """Return the cardiomediastinal silhouette."""
    return [(462, 120), (538, 120), (556, 250), (583, 330), (610, 378), (606, 432),
            (588, 462), (600, 520), (598, 562), (616, 602), (680, 680), (726, 780),
            (742, 868), (722, 930), (600, 962), (450, 962), (392, 932), (384, 850),
            (392, 762), (420, 682), (440, 602), (446, 520), (446, 440), (448, 330),
            (444, 250)]


def outline_abdomen_cxr() -> list[Point]:
    """Return the dense subdiaphragmatic region (liver, spleen, soft tissue)."""
    return [(60, 1000), (160, 992), (250, 935), (350, 898), (500, 902), (650, 922),
            (760, 955), (850, 1018), (940, 1010), (940, 1300), (60, 1300)]


def draw_mask(size: tuple[int, int], shapes: Sequence[Sequence[Point]],
              value: int = 255, smooth: bool = True) -> Image.Image:
    """Return a canvas with the given shapes filled."""
    img = make_canvas(size)
    draw = ImageDraw.Draw(img)
    for shape in shapes:
        (fill_blob if smooth else fill_shape)(draw, shape, value)
    return img


def scale_mask(mask: Image.Image, value: int) -> Image.Image:
    """Map a 0/255 mask to 0/value."""
    return mask.point(lambda p: p * value // 255)


def make_lung_mask() -> Image.Image:
    """Return the aerated lung fields (lungs minus the cardiomediastinal shadow)."""
    mask = draw_mask(CXR_SIZE, outline_lungs_cxr())
    fill_blob(ImageDraw.Draw(mask), outline_mediastinum_cxr(), 0)
    return mask


def make_dense_mask(body: Image.Image, lungs: Image.Image) -> Image.Image:
    """Return the mediastinum plus the subdiaphragmatic region."""
    dense = draw_mask(CXR_SIZE, [outline_mediastinum_cxr(), outline_abdomen_cxr()])
    return ImageChops.subtract(clip_layer(dense, body), lungs)


def draw_airway(draw: ImageDraw.ImageDraw, value: int) -> None:
    """Draw the tracheal and main bronchial air column."""
    stroke_path(draw, smooth_path([(500, -20), (500, 200), (506, 330), (506, 430)]), 44, value)
    stroke_path(draw, [(504, 420), (482, 446), (466, 462)], 28, value)
    stroke_path(draw, [(508, 420), (530, 446), (544, 460)], 26, value)


def draw_vessel_tree(draw: ImageDraw.ImageDraw, rng: random.Random, start: Point,
                     angle: float, length: float, width: float, depth: int) -> None:
    """Recursively draw a tapering branching pulmonary vessel."""
    if depth == 0:
        return
    a = math.radians(angle)
    end = (start[0] + length * math.cos(a), start[1] + length * math.sin(a))
    stroke_path(draw, [start, end], width, 255)
    for turn in (-24.0, 22.0):
        draw_vessel_tree(draw, rng, end, angle + turn + rng.uniform(-9, 9),
                         length * rng.uniform(0.66, 0.78), width * 0.66, depth - 1)


def make_vessel_layer(rng: random.Random) -> Image.Image:
    """Return the hilar and pulmonary vascular markings."""
    img = make_canvas(CXR_SIZE)
    draw = ImageDraw.Draw(img)
    right_angles = [-105, -130, -158, 172, 145, 120, 100]
    for angle in right_angles:
        draw_vessel_tree(draw, rng, (440, 530), angle, rng.uniform(85, 105), 8, 4)
    for angle in right_angles:
        draw_vessel_tree(draw, rng, (566, 515), 180 - angle, rng.uniform(80, 100), 7.5, 4)
    return img


def draw_vertebra_cxr(body: ImageDraw.ImageDraw, rim: ImageDraw.ImageDraw,
                      top: float, height: float, half: float) -> None:
    """Draw one vertebral body with its endplates, pedicles and spinous process."""
    box = scale_points([(CXR_MID - half, top), (CXR_MID + half, top + height - 11)])
    body.rounded_rectangle([*box[0], *box[1]], radius=8 * SS, fill=255)
    rim.rounded_rectangle([*box[0], *box[1]], radius=8 * SS, outline=255, width=4 * SS)
    for side in (-1, 1):
        cx = CXR_MID + side * (half - 12)
        rim.ellipse([*scale_points([(cx - 9, top + 10)])[0],
                     *scale_points([(cx + 9, top + 34)])[0]], outline=255, width=4 * SS)
    fill_ellipse(rim, CXR_MID, top + height * 0.62, 6, 13, 160)


def make_spine_layers() -> tuple[Image.Image, Image.Image]:
    """Return the vertebral column (bodies, and cortical rims/pedicles)."""
    body_img, rim_img = make_canvas(CXR_SIZE), make_canvas(CXR_SIZE)
    body, rim = ImageDraw.Draw(body_img), ImageDraw.Draw(rim_img)
    top = 92.0
    while top < CXR_SIZE[1]:
        height = 62 + 24 * top / CXR_SIZE[1]
        draw_vertebra_cxr(body, rim, top, height, 34 + 16 * top / CXR_SIZE[1])
        top += height
    return body_img, rim_img


def trace_rib(level: float) -> tuple[list[Point], list[Point]]:
    """Return posterior and anterior paths of one right-sided rib."""
    span = measure_chest_half_width(level + 60) - 2
    tilt = 0.05 * (level - 150)
    post = [(46, 0), (0.4 * span, -20 + tilt * 0.3), (0.68 * span, -6 + tilt * 0.7),
            (0.88 * span, 26 + tilt), (0.99 * span, 70 + tilt), (0.99 * span, 110 + tilt)]
    drop = 168 + 0.08 * (level - 150)
    ant = [(0.99 * span, 110 + tilt), (0.9 * span, 134 + tilt), (0.72 * span, drop - 22),
           (max(70.0, 0.48 * span), drop)]
    post_img = [(CXR_MID - dx, level + dy) for dx, dy in post]
    ant_img = [(CXR_MID - dx, level + dy) for dx, dy in ant]
    return smooth_path(post_img), smooth_path(ant_img)


def draw_bone_band(draw: ImageDraw.ImageDraw, path: Sequence[Point], width: float,
                   edge: int, core: int) -> None:
    """Draw a tubular bone: bright cortical edges, a fainter medullary core."""
    stroke_path(draw, path, width, edge)
    stroke_path(draw, path, width - 7, core)


def make_rib_layer() -> Image.Image:
    """Return posterior and anterior ribs on both sides."""
    img = make_canvas(CXR_SIZE)
    draw = ImageDraw.Draw(img)
    for k in range(11):
        post, ant = trace_rib(150 + 66 * k)
        for path_fn in (lambda p: p, lambda p: mirror_points(p, CXR_MID)):
            draw_bone_band(draw, path_fn(ant), 18, 140, 80)
            draw_bone_band(draw, path_fn(post), 23, 255, 150)
    return img


def make_clavicle_layer() -> Image.Image:
    """Return both clavicles and a hint of the upper scapular borders."""
    img = make_canvas(CXR_SIZE)
    draw = ImageDraw.Draw(img)
    right = smooth_path([(462, 242), (400, 236), (320, 218), (250, 192), (190, 176), (172, 180)])
    for path in (right, mirror_points(right, CXR_MID)):
        draw_bone_band(draw, path, 27, 255, 185)
    return img


def list_cxr_mass_lobes() -> list[Lobe]:
    """Return ellipse lobes of the right (image-left) paraspinal mass."""
    return [(440, 470, 34, 46), (420, 556, 54, 66), (428, 648, 44, 52), (446, 712, 26, 30)]


def make_mass_layer() -> Image.Image:
    """Return bilateral smooth lobulated paraspinal soft-tissue masses."""
    img = make_canvas(CXR_SIZE)
    draw = ImageDraw.Draw(img)
    right = list_cxr_mass_lobes()
    left = [(x + dx, y + dy, rx * s, ry * s) for (x, y, rx, ry), dx, dy, s in
            zip(mirror_lobes(right, CXR_MID), (2, 6, 2, 0), (-10, -6, -4, -8),
                (1.0, 1.04, 1.06, 1.0), strict=True)]
    fill_lobes(draw, right, 255)
    fill_lobes(draw, left, 255)
    return img


def overlay_masses(canvas: Image.Image, masses: Image.Image) -> Image.Image:
    """Replace aerated lung by soft tissue where the masses lie (silhouette model).

    Over lung the mass shows a sharp lateral margin; over the mediastinum it
    adds only a little density, as a posterior mediastinal mass would.
    """
    canvas = ImageChops.lighter(canvas, scale_mask(masses, 100))
    return ImageChops.add(canvas, scale_mask(masses, 12))


def make_transfer_lut(k: float) -> list[int]:
    """Return a saturating film response curve for attenuation -> brightness."""
    norm = 1 - math.exp(-255 / k)
    return [round(255 * (1 - math.exp(-v / k)) / norm) for v in range(256)]


def build_attenuation_cxr(rng: random.Random) -> tuple[Image.Image, Image.Image]:
    """Sum the attenuation of every structure; return (attenuation, body mask)."""
    body = draw_mask(CXR_SIZE, [outline_body_cxr()])
    lungs = make_lung_mask()
    canvas = scale_mask(body, 70)
    canvas = subtract_layer(canvas, scale_mask(lungs, 50), blur=2.5)
    canvas = add_layer(canvas, scale_mask(make_dense_mask(body, lungs), 46), blur=2.0)
    canvas = subtract_layer(canvas, draw_mask(CXR_SIZE, [trace_ellipse(688, 1003, 58, 30)], 30), 6)
    airway = make_canvas(CXR_SIZE)
    draw_airway(ImageDraw.Draw(airway), 46)
    canvas = subtract_layer(canvas, airway, blur=4)
    core = draw_mask(CXR_SIZE, [trace_ellipse(575, 760, 120, 130, -30)], 12)
    canvas = add_layer(canvas, core, blur=45)
    hila = draw_mask(CXR_SIZE, [trace_ellipse(444, 525, 34, 55),
                                trace_ellipse(562, 505, 32, 52)], 14)
    canvas = add_layer(canvas, hila, blur=10)
    vessels = clip_layer(make_vessel_layer(rng), blur_image(lungs, 3))
    canvas = add_layer(canvas, scale_mask(vessels, 10), blur=2.6)
    canvas = overlay_masses(canvas, blur_image(make_mass_layer(), 1.5))
    spine_body, spine_rim = make_spine_layers()
    canvas = add_layer(canvas, scale_mask(spine_body, 13), blur=2.0)
    canvas = add_layer(canvas, scale_mask(spine_rim, 10), blur=1.8)
    canvas = add_layer(canvas, scale_mask(clip_layer(make_rib_layer(), body), 15), blur=1.8)
    canvas = add_layer(canvas, scale_mask(clip_layer(make_clavicle_layer(), body), 26), blur=1.5)
    return canvas, body


def draw_chest_radiograph() -> Image.Image:
    """Return the labelled schematic PA chest radiograph."""
    rng = random.Random(SEED)
    attenuation, body = build_attenuation_cxr(rng)
    film = blur_image(attenuation.point(make_transfer_lut(120.0)), 1.0)
    img = downsample_image(film, CXR_SIZE)
    img = apply_noise(img, downsample_image(body, CXR_SIZE), 2.5, 5, rng)
    return draw_label(img)


# --------------------------------------------------------------------------
# axial contrast CT: painter's model with soft-tissue window gray levels
# --------------------------------------------------------------------------

HU_AIR, HU_LUNG, HU_FAT, HU_SKIN = 0, 10, 52, 100
HU_MUSCLE, HU_MASS, HU_MYOCARDIUM, HU_LIVER = 126, 134, 158, 166
HU_BLOOD, HU_AORTA, HU_BONE, HU_MARROW = 218, 246, 250, 150
HU_CSF, HU_GASTRIC = 96, 92


def outline_body_ct(level: int) -> list[Point]:
    """Return the skin outline of the axial section."""
    if level == 1:
        half = [(384, 168), (300, 172), (215, 190), (145, 230), (100, 295), (80, 380),
                (85, 465), (115, 540), (175, 590), (260, 612), (340, 618), (384, 614)]
    else:
        half = [(384, 170), (290, 175), (200, 197), (130, 244), (88, 315), (73, 400),
                (80, 482), (110, 552), (170, 600), (255, 622), (338, 628), (384, 624)]
    return half + mirror_points(half[-2:0:-1], CT_MID)


def outline_lungs_ct(level: int) -> list[list[Point]]:
    """Return generous lung outlines (the mediastinum is painted over them)."""
    if level == 1:
        right = [(330, 232), (260, 210), (190, 226), (140, 268), (117, 340), (114, 420),
                 (128, 490), (168, 540), (230, 564), (292, 563), (330, 546), (350, 500),
                 (345, 420), (330, 330)]
        left = [(480, 250), (560, 224), (622, 250), (656, 312), (663, 400), (650, 482),
                (612, 540), (548, 565), (478, 562), (432, 540), (425, 480), (470, 420)]
        return [right, left]
    right = [(150, 310), (118, 380), (116, 450), (140, 515), (190, 565), (255, 590),
             (312, 588), (350, 565), (345, 500), (300, 490), (230, 470), (180, 420),
             (160, 360)]
    left = [(x, y + 6) for x, y in mirror_points(right, CT_MID)]
    return [right, left]


def outline_mediastinum_ct(level: int) -> list[Point]:
    """Return the central fat-containing mediastinal/upper abdominal region."""
    if level == 1:
        return [(384, 204), (300, 222), (272, 300), (288, 380), (325, 420), (345, 470),
                (384, 472), (425, 470), (445, 430), (505, 420), (560, 368), (570, 300),
                (532, 238), (460, 208)]
    return [(384, 205), (290, 222), (300, 420), (335, 470), (384, 474), (440, 470),
            (530, 462), (596, 414), (622, 330), (598, 262), (525, 226)]


def draw_body_wall(draw: ImageDraw.ImageDraw, level: int) -> None:
    """Draw skin, subcutaneous fat and the muscular chest wall."""
    body = smooth_loop(outline_body_ct(level))
    fill_shape(draw, body, HU_FAT)
    stroke_shape(draw, body, 2.5, HU_SKIN)
    fill_shape(draw, shrink_points(body, (CT_MID, 395), 0.935, 0.915), HU_MUSCLE)


def draw_table(draw: ImageDraw.ImageDraw, level: int) -> None:
    """Draw the curved CT couch below the patient."""
    y = 640 if level == 1 else 648
    arc = smooth_path([(110, y - 8), (250, y + 4), (384, y + 7), (518, y + 4), (658, y - 8)])
    stroke_path(draw, arc, 9, 88)
    stroke_path(draw, [(x, yy + 12) for x, yy in arc], 4, 60)


def draw_lung_vessels(draw: ImageDraw.ImageDraw, rng: random.Random,
                      lungs: Sequence[Sequence[Point]], mask: Image.Image) -> None:
    """Scatter faint vessel cross-sections inside the lungs."""
    for _ in range(70):
        x, y = rng.uniform(110, 660), rng.uniform(210, 580)
        if mask.getpixel((round(x * SS), round(y * SS))) > 128:
            r = rng.uniform(1.5, 3.8)
            fill_ellipse(draw, x, y, r, r * rng.uniform(0.8, 1.6), 48, rng.uniform(0, 180))


def draw_heart(draw: ImageDraw.ImageDraw) -> None:
    """Draw the contrast-enhanced heart (mid-ventricular level)."""
    fill_ellipse(draw, 418, 318, 150, 100, HU_FAT + 8, -22)
    fill_ellipse(draw, 420, 318, 140, 92, HU_MYOCARDIUM, -22)
    fill_ellipse(draw, 368, 290, 70, 48, HU_BLOOD - 14, -30)   # right ventricle
    fill_ellipse(draw, 330, 352, 46, 40, HU_BLOOD - 8, 0)      # right atrium
    fill_ellipse(draw, 472, 322, 58, 46, HU_BLOOD, -25)        # left ventricle
    fill_ellipse(draw, 420, 382, 44, 26, HU_BLOOD - 4, -5)     # left atrium


def draw_liver_dome(draw: ImageDraw.ImageDraw) -> None:
    """Draw the liver dome, IVC, hepatic veins and the cardiac apex."""
    fill_ellipse(draw, 492, 246, 64, 40, HU_FAT + 8, -25)
    fill_ellipse(draw, 494, 246, 56, 33, HU_MYOCARDIUM, -25)
    fill_ellipse(draw, 500, 244, 26, 14, HU_BLOOD, -25)
    liver = smooth_loop([(200, 232), (300, 206), (410, 214), (462, 248), (455, 292),
                           (415, 330), (392, 392), (358, 432), (305, 470), (245, 494),
                           (185, 486), (146, 440), (132, 370), (150, 295)])
    fill_shape(draw, liver, HU_LIVER)
    stroke_shape(draw, liver, 3.5, HU_MUSCLE)
    fill_ellipse(draw, 352, 420, 21, 18, HU_LIVER + 24)
    for end in [(250, 300), (320, 262), (400, 262)]:
        bend = ((352 + end[0]) / 2 + 8, (410 + end[1]) / 2)
        stroke_path(draw, smooth_path([(352, 410), bend, end]), 6, HU_LIVER + 22)


def draw_stomach(draw: ImageDraw.ImageDraw) -> None:
    """Draw the gastric fundus with an air-fluid level and the splenic tip."""
    fill_ellipse(draw, 592, 470, 38, 58, HU_LIVER - 12, 28)
    fill_ellipse(draw, 548, 342, 66, 56, HU_MUSCLE + 10, 10)
    inner = trace_ellipse(548, 342, 58, 48, 10)
    fill_shape(draw, inner, HU_GASTRIC)
    fill_shape(draw, [p for p in inner if p[1] <= 322], HU_AIR)


def draw_posterior_mediastinum(draw: ImageDraw.ImageDraw, level: int) -> None:
    """Draw the descending aorta, esophagus, azygos vein and crura."""
    ax, ay, ar = (430, 440, 25) if level == 1 else (414, 446, 23)
    if level == 2:
        for side in (-1, 1):
            arc = [(ax + side * 34, ay - 30), (ax + side * 38, ay), (ax + side * 30, ay + 28)]
            stroke_path(draw, smooth_path(arc), 7, HU_MUSCLE)
    fill_ellipse(draw, ax, ay, ar + 2, ar + 2, HU_MUSCLE - 10)
    fill_ellipse(draw, ax, ay, ar, ar, HU_AORTA)
    if level == 1:
        fill_ellipse(draw, 374, 436, 12, 10, HU_MUSCLE - 8)
        fill_ellipse(draw, 376, 434, 3, 2.5, HU_AIR + 20)
        fill_ellipse(draw, 352, 456, 7, 7, HU_BLOOD - 30)


def draw_paraspinal_muscles(draw: ImageDraw.ImageDraw, level: int) -> None:
    """Draw the erector spinae muscles either side of the spinous process."""
    y = 572 if level == 1 else 580
    for side in (-1, 1):
        fill_ellipse(draw, CT_MID + side * 52, y, 46, 34, HU_MUSCLE, side * 8)
        plane = [(CT_MID + side * 52, y - 28), (CT_MID + side * 56, y + 28)]
        stroke_path(draw, plane, 1.5, HU_FAT + 25)


def jitter_line(rng: random.Random, start: Point, end: Point, pieces: int,
                amount: float) -> list[Point]:
    """Return a straight line broken into slightly wandering segments."""
    pts = []
    for i in range(pieces + 1):
        t = i / pieces
        pts.append((start[0] + (end[0] - start[0]) * t + rng.uniform(-amount, amount),
                    start[1] + (end[1] - start[1]) * t + rng.uniform(-amount, amount)))
    return pts


def draw_lattice(draw: ImageDraw.ImageDraw, rng: random.Random,
                 box: tuple[float, float, float, float], spacing: float, value: int) -> None:
    """Draw a coarse, irregular (lacy) trabecular lattice inside a bounding box."""
    x0, y0, x1, y1 = box
    cx, cy, reach = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0)
    for deg in (14.0, 101.0):
        a = math.radians(deg + rng.uniform(-3, 3))
        dx, dy, nx, ny = math.cos(a), math.sin(a), -math.sin(a), math.cos(a)
        for i in range(-9, 10):
            off = i * spacing + rng.uniform(-0.25, 0.25) * spacing
            start = (cx + nx * off - dx * reach, cy + ny * off - dy * reach)
            end = (cx + nx * off + dx * reach, cy + ny * off + dy * reach)
            stroke_path(draw, jitter_line(rng, start, end, 8, 1.8), rng.uniform(2.2, 3.4), value)


def outline_vertebral_body(cx: float, cy: float, rx: float, ry: float) -> list[Point]:
    """Return a kidney-shaped vertebral body outline (flat posterior margin)."""
    return smooth_loop([(cx, cy - ry), (cx + rx * 0.8, cy - ry * 0.78), (cx + rx, cy),
                          (cx + rx * 0.8, cy + ry * 0.82), (cx, cy + ry * 0.72),
                          (cx - rx * 0.8, cy + ry * 0.82), (cx - rx, cy),
                          (cx - rx * 0.8, cy - ry * 0.78)])


def draw_vertebral_body(img: Image.Image, rng: random.Random, cx: float, cy: float,
                        rx: float, ry: float) -> None:
    """Draw a vertebral body with a coarse lacy trabecular pattern and intact cortex."""
    outline = outline_vertebral_body(cx, cy, rx, ry)
    ImageDraw.Draw(img).polygon(scale_points(outline), fill=HU_MARROW)
    lattice = make_canvas(CT_SIZE)
    draw_lattice(ImageDraw.Draw(lattice), rng, (cx - rx, cy - ry, cx + rx, cy + ry), 10.0, 255)
    inside = make_canvas(CT_SIZE)
    ImageDraw.Draw(inside).polygon(scale_points(outline), fill=255)
    img.paste(HU_BONE - 30, mask=clip_layer(blur_image(lattice, 0.4), inside))
    stroke_shape(ImageDraw.Draw(img), outline, 4.0, HU_BONE)


def draw_bone_strut(draw: ImageDraw.ImageDraw, path: Sequence[Point], width: float) -> None:
    """Draw a bony process: cortex with a thin medullary core."""
    stroke_path(draw, path, width, HU_BONE)
    if width > 8:
        stroke_path(draw, path[1:-1] if len(path) > 2 else path, width * 0.4, HU_MARROW + 40)


def draw_posterior_elements(draw: ImageDraw.ImageDraw, cy: float, ry: float) -> None:
    """Draw pedicles, laminae, spinous and transverse processes and rib heads."""
    canal_y = cy + ry + 20
    fill_ellipse(draw, CT_MID, canal_y + 1, 29, 27, HU_BONE)
    fill_ellipse(draw, CT_MID, canal_y, 18, 16, HU_CSF)
    fill_ellipse(draw, CT_MID, canal_y, 9, 7, HU_CSF + 28)
    spine = smooth_loop([(CT_MID - 10, canal_y + 20), (CT_MID + 10, canal_y + 20),
                           (CT_MID + 6, canal_y + 42), (CT_MID + 4, canal_y + 58),
                           (CT_MID - 4, canal_y + 58), (CT_MID - 6, canal_y + 42)])
    fill_shape(draw, spine, HU_BONE)
    for side in (-1, 1):
        process = [(CT_MID + side * 22, canal_y - 6), (CT_MID + side * 44, canal_y - 2),
                   (CT_MID + side * 64, canal_y + 4)]
        draw_bone_strut(draw, smooth_path(process), 13)
        rib = [(CT_MID + side * 40, cy + 8), (CT_MID + side * 58, cy + 24),
               (CT_MID + side * 76, canal_y + 4), (CT_MID + side * 104, canal_y + 20),
               (CT_MID + side * 140, canal_y + 26), (CT_MID + side * 172, canal_y + 20)]
        draw_bone_strut(draw, smooth_path(rib), 9)


def draw_rib_arc(draw: ImageDraw.ImageDraw, centre: Point, radii: Point,
                 arc: tuple[float, float], value: int = HU_BONE) -> None:
    """Draw one rib cut obliquely: a short arc with cortex and marrow."""
    (cx, cy), (a0, a1) = centre, arc
    angles = [math.radians(a0 + (a1 - a0) * i / 12) for i in range(13)]
    pts = [(cx + radii[0] * math.cos(a), cy + radii[1] * math.sin(a)) for a in angles]
    stroke_path(draw, pts, 8, value)
    if value == HU_BONE:
        stroke_path(draw, pts[2:-2], 3, HU_MARROW + 35)


def draw_ribs_ct(draw: ImageDraw.ImageDraw, level: int) -> None:
    """Draw rib segments, costal cartilages and the sternum."""
    if level == 1:
        centre, radii = (384.0, 394.0), (278.0, 188.0)
        arcs = [(-70, -57), (-44, -27), (-14, 3), (15, 31), (40, 55)]
    else:
        centre, radii = (384.0, 402.0), (292.0, 200.0)
        arcs = [(-66, -50), (-38, -20), (-8, 10), (20, 36), (44, 58)]
    for arc in arcs:
        draw_rib_arc(draw, centre, radii, arc)
        draw_rib_arc(draw, centre, radii, (180 - arc[1], 180 - arc[0]))
    for arc in [(-86, -76), (-104, -94)]:
        draw_rib_arc(draw, centre, (radii[0] - 4, radii[1] - 4), arc, HU_MUSCLE + 22)
    sy = centre[1] - radii[1] + 4
    fill_ellipse(draw, CT_MID, sy, 24, 10, HU_BONE)
    fill_ellipse(draw, CT_MID, sy, 18, 5.5, HU_MARROW + 20)


def list_ct_mass_lobes(level: int) -> tuple[list[Lobe], list[Lobe]]:
    """Return the right (image-left) and left (image-right) paravertebral mass lobes."""
    if level == 1:
        right = [(318, 488, 40, 42), (300, 522, 28, 22), (334, 450, 24, 20)]
        left = [(452, 490, 40, 42), (470, 524, 27, 21), (459, 455, 20, 17)]
    else:
        right = [(312, 492, 50, 50), (290, 530, 36, 26), (328, 446, 30, 24), (266, 486, 28, 32)]
        left = [(458, 496, 48, 49), (480, 532, 34, 24), (452, 456, 26, 21), (500, 480, 24, 28)]
    return right, left


def draw_paravertebral_masses(draw: ImageDraw.ImageDraw, level: int) -> None:
    """Draw smooth, homogeneous, lobulated soft-tissue masses beside the spine."""
    for lobes in list_ct_mass_lobes(level):
        fill_lobes(draw, lobes, HU_MASS)


def draw_ct_section(level: int) -> Image.Image:
    """Return a labelled schematic axial contrast CT section (level 1 or 2)."""
    rng = random.Random(SEED + level)
    img = make_canvas(CT_SIZE)
    draw = ImageDraw.Draw(img)
    draw_table(draw, level)
    draw_body_wall(draw, level)
    lungs = outline_lungs_ct(level)
    lung_mask = draw_mask(CT_SIZE, lungs)
    for lung in lungs:
        fill_blob(draw, lung, HU_LUNG)
    draw_lung_vessels(draw, rng, lungs, lung_mask)
    fill_blob(draw, outline_mediastinum_ct(level), HU_FAT + 10)
    if level == 1:
        draw_heart(draw)
    else:
        draw_stomach(draw)
        draw_liver_dome(draw)
    draw_paravertebral_masses(draw, level)
    draw_posterior_mediastinum(draw, level)
    draw_paraspinal_muscles(draw, level)
    cy, ry = (492.0, 37.0) if level == 1 else (498.0, 39.0)
    draw_posterior_elements(draw, cy, ry)
    draw_vertebral_body(img, rng, CT_MID, cy, 41.0 if level == 1 else 43.0, ry)
    draw_ribs_ct(draw, level)
    body = draw_mask(CT_SIZE, [outline_body_ct(level)])
    img = downsample_image(blur_image(img, 0.7), CT_SIZE)
    img = apply_noise(img, downsample_image(body, CT_SIZE), 2.0, 3, rng)
    return draw_label(img)


# --------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------

def parse_out_dir(argv: Sequence[str]) -> Path:
    """Return the output directory from the command line, or the default."""
    return Path(argv[1]).resolve() if len(argv) > 1 else DEFAULT_OUT


def main(argv: Sequence[str] | None = None) -> int:
    """Draw the three illustrations and write them as PNG files."""
    out_dir = parse_out_dir(sys.argv if argv is None else argv)
    outputs = {
        "cxr.png": draw_chest_radiograph(),
        "ct-1.png": draw_ct_section(1),
        "ct-2.png": draw_ct_section(2),
    }
    for name, img in outputs.items():
        save_png(img, out_dir / name)
        print(out_dir / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
