"""Build the grading image from ``docker/Dockerfile`` and ``requirements.lock``, tagged by their hash.

The tag is what went into the image, so grading with a Dockerfile or lock that changed
since the last build finds no image and says to rebuild, rather than running kernels
with other package versions than the course was tested with.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..course import CONFIG_NAME
from ..errors import GraderError

REPOSITORY = "ml-course-grader"
INPUTS_LABEL = "org.ml-course-grader.inputs"
DEFAULT_BASE = "python:3.11-slim"
DEFAULT_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
"""PyTorch's CPU wheels: an image without CUDA's libraries is 1 GB instead of 6."""
BUILD_TIMEOUT = 3600


@dataclass(frozen=True)
class ImageInputs:
    """The files an image is built from."""

    dockerfile: Path
    lock: Path

    @classmethod
    def find(cls, start: Path | None = None) -> ImageInputs:
        """Those of the course at or above ``start``, else of the repository this package was installed from."""
        here = (start or Path.cwd()).resolve()
        package_repository = Path(__file__).resolve().parents[2]
        candidates = [d for d in (here, *here.parents) if (d / CONFIG_NAME).is_file()][:1] + [package_repository]
        for root in candidates:
            inputs = cls(root / "docker" / "Dockerfile", root / "requirements.lock")
            if inputs.dockerfile.is_file() and inputs.lock.is_file():
                return inputs
        raise GraderError("no docker/Dockerfile and requirements.lock here or in the grader's repository: "
                          "pass --docker-image")

    @property
    def digest(self) -> str:
        content = hashlib.sha256()
        for path in (self.dockerfile, self.lock):
            data = path.read_bytes()
            content.update(f"{path.name}\0{len(data)}\0".encode())
            content.update(data)
        return content.hexdigest()[:12]

    @property
    def tag(self) -> str:
        return f"{REPOSITORY}:{self.digest}"


def course_image(start: Path | None = None) -> str:
    """The tag ``--isolation docker`` uses unless told otherwise."""
    return ImageInputs.find(start).tag


def default_ca_bundle() -> Path | None:
    """The certificate bundle pip is told to trust here, if any (a proxy that re-signs TLS needs it in the build too)."""
    for variable in ("PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = os.environ.get(variable)
        if value and Path(value).is_file():
            return Path(value)
    return None


def build_image(inputs: ImageInputs, *, base: str = DEFAULT_BASE, torch_index: str = DEFAULT_TORCH_INDEX,
                ca_bundle: Path | None = None, log: Path | None = None, echo: Callable[[str], None] = print) -> str:
    """``docker build`` the image for ``inputs``; its tag. Docker's layer cache makes a rebuild of the same inputs instant."""
    docker = shutil.which("docker")
    if docker is None:
        raise GraderError("docker is not installed (see README, Docker)")
    with tempfile.TemporaryDirectory(prefix="grader-image-") as context:
        # A context of three files: nothing else of the course reaches the image or its cache key.
        shutil.copy(inputs.dockerfile, Path(context) / "Dockerfile")
        shutil.copy(inputs.lock, Path(context) / "requirements.lock")
        (Path(context) / "pip-ca.crt").write_bytes(ca_bundle.read_bytes() if ca_bundle else b"")
        command = [docker, "build", "--network", "host", "--tag", inputs.tag, "--label", f"{INPUTS_LABEL}={inputs.digest}",
                   "--build-arg", f"BASE={base}", "--build-arg", f"TORCH_INDEX={torch_index}", context]
        echo(f"building {inputs.tag} from {base} ({'PyTorch from ' + torch_index if torch_index else 'PyTorch from PyPI'})")
        log = log or Path(tempfile.gettempdir()) / f"grader-image-{inputs.digest}.log"
        with open(log, "wb") as out:
            try:
                built = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise GraderError(f"docker build ran past {BUILD_TIMEOUT} s (log: {log})") from None
    if built.returncode != 0:
        last = [line for line in log.read_text(errors="replace").splitlines() if line.strip()][-1:] or ["no output"]
        raise GraderError(f"docker build failed: {last[0][:300]} (log: {log})")
    return inputs.tag
