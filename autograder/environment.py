"""The environment every notebook kernel gets, at release and at grading alike."""

from __future__ import annotations

import os
from pathlib import Path

from .data import DATA_ENV_VAR


def kernel_environment(data_dir: Path | None) -> dict[str, str]:
    """Environment for a notebook kernel: data location, headless plots, one BLAS thread."""
    env = dict(os.environ)
    if data_dir is not None:
        env[DATA_ENV_VAR] = str(data_dir)
    env.update(
        {
            "MPLBACKEND": "Agg",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONHASHSEED": "0",
        }
    )
    return env
