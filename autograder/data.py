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
    folder = "FashionMNIST"
    """The folder under the data directory that holds it all (what an autograder zip ships)."""
    debian_dir = Path("/usr/share/datasets/fashion-mnist")
    files = (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    )

    def raw_dir(self, data_dir: Path) -> Path:
        return data_dir / self.folder / "raw"

    def is_ready(self, data_dir: Path) -> bool:
        raw = self.raw_dir(data_dir)
        return all((raw / name).is_file() for name in self.files)

    def prepare(self, data_dir: Path, shared_dir: Path | None = None) -> PreparedDataset:
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


class MNISTSubset:
    """10,000 real MNIST digits as ``<root>/mnist/mnist10k.npz`` (``x``: uint8 (n, 28, 28), ``y``: uint8).

    Copied from the offline copy beside the project (``../shared/datasets/mnist/``), or
    built from OpenML's ``mnist_784`` (the first 10,000 images) where a network exists.
    """

    name = "mnist"
    folder = "mnist"
    file_name = "mnist10k.npz"

    def path(self, data_dir: Path) -> Path:
        return data_dir / self.folder / self.file_name

    def is_ready(self, data_dir: Path) -> bool:
        return self.path(data_dir).is_file()

    def prepare(self, data_dir: Path, shared_dir: Path | None = None) -> PreparedDataset:
        target = self.path(data_dir)
        if self.is_ready(data_dir):
            return PreparedDataset(self.name, target, "already present")
        target.parent.mkdir(parents=True, exist_ok=True)
        source = (shared_dir or Path("/nonexistent")) / "mnist" / self.file_name
        if source.is_file():
            shutil.copyfile(source, target.with_name(target.name + ".partial"))
            os.replace(target.with_name(target.name + ".partial"), target)
            return PreparedDataset(self.name, target, str(source))
        return self._download(target)

    def _download(self, target: Path) -> PreparedDataset:
        import numpy as np
        from sklearn.datasets import fetch_openml

        try:
            images, labels = fetch_openml("mnist_784", version=1, return_X_y=True, as_frame=False)
        except Exception as exc:  # offline: URLError and friends
            raise GraderError(
                f"MNIST: no offline copy ({self.file_name} in ../shared/datasets/mnist/) and OpenML "
                f"could not be reached ({type(exc).__name__}: {exc})"
            ) from None
        partial = target.with_name(target.name + ".partial.npz")
        np.savez_compressed(partial, x=images[:10000].reshape(-1, 28, 28).astype(np.uint8), y=labels[:10000].astype(np.uint8))
        os.replace(partial, target)
        return PreparedDataset(self.name, target, "downloaded from OpenML")


class CIFAR10Subset:
    """5,000 training and 2,000 test CIFAR-10 images as ``<root>/cifar10-subset/{train,test}/<class>/*.jpg``.

    The layout ``torchvision.datasets.ImageFolder`` reads. Copied from the offline copy
    beside the project (``../shared/datasets/cifar10-subset/``), or built from
    torchvision's ``CIFAR10`` download (the first 500 / 200 images of each class) where
    a network exists.
    """

    name = "cifar10"
    folder = "cifar10-subset"
    classes = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
    per_class = {"train": 500, "test": 200}

    def path(self, data_dir: Path) -> Path:
        return data_dir / self.folder

    def is_ready(self, data_dir: Path) -> bool:
        root = self.path(data_dir)
        return all((root / split / cls).is_dir() for split in self.per_class for cls in self.classes)

    def prepare(self, data_dir: Path, shared_dir: Path | None = None) -> PreparedDataset:
        target = self.path(data_dir)
        if self.is_ready(data_dir):
            return PreparedDataset(self.name, target, "already present")
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        source = (shared_dir or Path("/nonexistent")) / self.folder
        if source.is_dir():
            shutil.copytree(source, partial)
            origin = str(source)
        else:
            self._download_into(partial, data_dir)
            origin = "downloaded by torchvision"
        shutil.rmtree(target, ignore_errors=True)
        os.replace(partial, target)
        return PreparedDataset(self.name, target, origin)

    def _download_into(self, partial: Path, data_dir: Path) -> None:
        from torchvision.datasets import CIFAR10

        for split, count in self.per_class.items():
            try:
                images = CIFAR10(root=str(data_dir), train=(split == "train"), download=True)
            except Exception as exc:  # offline: URLError and friends
                raise GraderError(
                    f"CIFAR-10: no offline copy ({self.folder}/ in ../shared/datasets/) and torchvision "
                    f"could not download it ({type(exc).__name__}: {exc})"
                ) from None
            seen = dict.fromkeys(range(len(self.classes)), 0)
            for image, label in images:
                if seen[label] < count:
                    folder = partial / split / self.classes[label]
                    folder.mkdir(parents=True, exist_ok=True)
                    image.save(folder / f"{seen[label]:04d}.jpg", quality=75)
                    seen[label] += 1


DATASETS = {dataset.name: dataset for dataset in (FashionMNIST(), MNISTSubset(), CIFAR10Subset())}


def dataset(name: str):
    try:
        return DATASETS[name]
    except KeyError:
        raise GraderError(f"unknown dataset {name!r} (known: {', '.join(sorted(DATASETS))})") from None


def prepare(names, data_dir: Path, shared_dir: Path | None = None) -> list[PreparedDataset]:
    """Prepare each named dataset under ``data_dir``; a no-op for those already there.

    ``shared_dir`` is the offline copy of the datasets beside the project
    (``../shared/datasets``), used where present.
    """
    return [dataset(name).prepare(data_dir, shared_dir) for name in names]


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
