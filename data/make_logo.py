#!/usr/bin/env python3
"""Draw the demo company's logo: a plain emblem and the company's name.

    python3 data/make_logo.py

writes addons/huatai_complaints/static/src/img/demo_company_logo.png.

Made here, not the firm's trademark: a round emblem with the character 华 and
the name 华泰证券 beside it. Needs Pillow (an Odoo dependency) and a CJK font
(Debian: fonts-wqy-zenhei).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "addons/huatai_complaints/static/src/img/demo_company_logo.png"
FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
]
BLUE = (0, 82, 155, 255)
RED = (200, 30, 45, 255)
SCALE = 4  # drawn large, then reduced: smooth edges


def font(size):
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size * SCALE)
    raise SystemExit("no CJK font found: apt-get install fonts-wqy-zenhei")


def main():
    width, height = 420, 120
    img = Image.new("RGBA", (width * SCALE, height * SCALE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    s = SCALE
    # the emblem: a blue disc, a red arc, the character in white
    box = (8 * s, 8 * s, 112 * s, 112 * s)
    draw.ellipse(box, fill=BLUE)
    draw.arc((14 * s, 14 * s, 106 * s, 106 * s), 200, 340, fill=RED, width=7 * s)
    draw.text((60 * s, 64 * s), "华", font=font(56), fill="white", anchor="mm")
    # the name
    draw.text((128 * s, 52 * s), "华泰证券", font=font(46), fill=BLUE, anchor="lm")
    draw.text(
        (130 * s, 92 * s), "HUATAI SECURITIES", font=font(15), fill=RED, anchor="lm"
    )
    img = img.resize((width, height), Image.LANCZOS)
    img.save(TARGET, optimize=True)
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
