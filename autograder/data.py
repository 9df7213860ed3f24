"""Course datasets, prepared once into the layout the notebooks' own loaders expect.

Notebooks call the real loaders (``torchvision.datasets.FashionMNIST(root=DATA_DIR,
download=True)``); this module makes sure the files are already where those loaders
look, so the call works offline. ``DATA_DIR`` is ``$COURSE_DATA``, which ``grader``
sets to the course's data directory (``data/`` at the repository root, gitignored)
whenever it executes a notebook.
"""

from __future__ import annotations

import gzip
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import GraderError

DATA_ENV_VAR = "COURSE_DATA"


@dataclass(frozen=True)
class PreparedDataset:
    name: str
    location: Path
    source: str
    """Where the files came from (a directory, or ``"already present"``)."""


class FashionMNIST:
    """Fashion-MNIST in torchvision's ``<root>/FashionMNIST/raw/`` layout.

    Taken from Debian's ``dataset-fashion-mnist`` package when installed, otherwise
    downloaded by torchvision itself (which needs a network).
    """

    name = "fashion-mnist"
    debian_dir = Path("/usr/share/datasets/fashion-mnist")
    files = (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    )

    def raw_dir(self, data_dir: Path) -> Path:
        return data_dir / "FashionMNIST" / "raw"

    def is_ready(self, data_dir: Path) -> bool:
        raw = self.raw_dir(data_dir)
        return all((raw / name).is_file() for name in self.files)

    def prepare(self, data_dir: Path) -> PreparedDataset:
        raw = self.raw_dir(data_dir)
        if self.is_ready(data_dir):
            return PreparedDataset(self.name, raw, "already present")
        if all((self.debian_dir / f"{name}.gz").is_file() for name in self.files):
            raw.mkdir(parents=True, exist_ok=True)
            for name in self.files:
                _gunzip(self.debian_dir / f"{name}.gz", raw / name)
            return PreparedDataset(self.name, raw, str(self.debian_dir))
        return self._download(data_dir)

    def _download(self, data_dir: Path) -> PreparedDataset:
        from torchvision.datasets import FashionMNIST as TorchFashionMNIST

        try:
            TorchFashionMNIST(root=str(data_dir), train=True, download=True)
            TorchFashionMNIST(root=str(data_dir), train=False, download=True)
        except Exception as exc:  # torchvision raises bare RuntimeError/URLError offline
            raise GraderError(
                f"Fashion-MNIST is not installed ({self.debian_dir} is missing) and torchvision "
                f"could not download it ({type(exc).__name__}: {exc}); install the Debian "
                "package: apt-get install -y dataset-fashion-mnist"
            ) from None
        return PreparedDataset(self.name, self.raw_dir(data_dir), "downloaded by torchvision")


DATASETS = {dataset.name: dataset for dataset in (FashionMNIST(),)}


def dataset(name: str):
    try:
        return DATASETS[name]
    except KeyError:
        raise GraderError(f"unknown dataset {name!r} (known: {', '.join(sorted(DATASETS))})") from None


def prepare(names, data_dir: Path) -> list[PreparedDataset]:
    """Prepare each named dataset under ``data_dir``; a no-op for those already there."""
    return [dataset(name).prepare(data_dir) for name in names]


def require(names, data_dir: Path) -> None:
    """Fail with the command that fixes it when a dataset a notebook needs is missing."""
    missing = [name for name in names if not dataset(name).is_ready(data_dir)]
    if missing:
        raise GraderError(f"dataset(s) {', '.join(missing)} not prepared in {data_dir}: run `grader data`")


def _gunzip(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    with gzip.open(source, "rb") as compressed, open(partial, "wb") as out:
        shutil.copyfileobj(compressed, out, length=1 << 20)
    os.replace(partial, target)
