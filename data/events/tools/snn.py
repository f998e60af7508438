"""Reading SaudiNewsNet (../shared/corpora/saudinewsnet): one JSON array per
day in a zip. Shared by the corpus tools; no article text leaves ../shared
except into ignored work files and the rebuilt corpus (data/events/build/)."""
import glob
import hashlib
import json
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_SNN = os.path.normpath(os.path.join(REPO, "..", "shared", "corpora", "saudinewsnet"))

FIELDS = ("title", "content")


def articles(snn_dir=DEFAULT_SNN):
    """Yields every article dict, in file order (day files sorted)."""
    files = sorted(glob.glob(os.path.join(snn_dir, "*.zip")))
    if not files:
        raise FileNotFoundError(f"no SaudiNewsNet zips in {snn_dir}")
    for f in files:
        with zipfile.ZipFile(f) as z:
            for name in sorted(z.namelist()):
                for a in json.loads(z.read(name)):
                    yield a


def by_url(snn_dir=DEFAULT_SNN, wanted=None):
    out = {}
    for a in articles(snn_dir):
        if wanted is None or a["url"] in wanted:
            out[a["url"]] = a
    return out


def sha16(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()[:16]
