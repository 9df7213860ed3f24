from pathlib import Path

import pytest

from autograder import data
from autograder.errors import GraderError


@pytest.mark.slow  # imports torchvision
def test_fashion_mnist_is_prepared_where_torchvision_finds_it_offline(tmp_path: Path, monkeypatch):
    # No network here: if the layout were wrong, download=True would try to fetch and fail.
    prepared = data.prepare(["fashion-mnist"], tmp_path)
    assert prepared[0].location == tmp_path / "FashionMNIST" / "raw"
    assert prepared[0].source == str(data.FashionMNIST.debian_dir)

    from torchvision.datasets import FashionMNIST

    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("torchvision tried to download"))
    train = FashionMNIST(root=str(tmp_path), train=True, download=True)
    test = FashionMNIST(root=str(tmp_path), train=False, download=True)
    assert tuple(train.data.shape) == (60000, 28, 28) and len(test) == 10000
    assert train.targets.bincount().tolist() == [6000] * 10

    assert data.prepare(["fashion-mnist"], tmp_path)[0].source == "already present"


def test_missing_dataset_points_at_grader_data(tmp_path: Path):
    with pytest.raises(GraderError, match=r"fashion-mnist not prepared in .*: run `grader data`"):
        data.require(["fashion-mnist"], tmp_path)


def test_unknown_dataset():
    with pytest.raises(GraderError, match="unknown dataset 'imagenet'"):
        data.prepare(["imagenet"], Path("/nonexistent"))


@pytest.mark.slow  # imports torchvision
def test_cifar10_subset_is_copied_where_image_folder_reads_it(tmp_path: Path):
    shared = Path(__file__).resolve().parents[2] / "shared" / "datasets"
    prepared = data.prepare(["cifar10"], tmp_path / "data", shared)
    assert prepared[0].source == str(shared / "cifar10-subset")

    from torchvision.datasets import ImageFolder

    train = ImageFolder(str(tmp_path / "data" / "cifar10-subset" / "train"))
    test = ImageFolder(str(tmp_path / "data" / "cifar10-subset" / "test"))
    assert train.classes == list(data.CIFAR10Subset.classes)
    assert len(train) == 5000 and len(test) == 2000
    assert train[0][0].size == (32, 32)
    assert data.prepare(["cifar10"], tmp_path / "data", shared)[0].source == "already present"
