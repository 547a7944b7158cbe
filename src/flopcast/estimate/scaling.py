"""Compute-optimal model size and data for a compute budget (Chinchilla scaling).

Approach 3 of Hoffmann et al. 2022 ("Training Compute-Optimal Large Language Models",
arXiv:2203.15556) fits the loss L(N, D) = E + A / N^alpha + B / D^beta. Minimising L at fixed
compute C = 6 N D gives (their eq. 4)

    N_opt = G (C/6)^a,  D_opt = G^-1 (C/6)^b,
    G = (alpha A / (beta B))^(1/(alpha+beta)),  a = beta/(alpha+beta),  b = alpha/(alpha+beta).

Two fits are offered, plus the "20 tokens per parameter" rule of thumb (Chinchilla itself:
70B parameters on 1.4T tokens), under which N = sqrt(C / (6 x 20)) and D = 20 N.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pint

from flopcast.errors import InputError
from flopcast.estimate._units import magnitude, quantity
from flopcast.estimate.flop_convention import TRAINING_FLOP_PER_PARAMETER_TOKEN


@dataclass(frozen=True, kw_only=True)
class LossFit:
    """A fitted Chinchilla loss L(N, D) = E + A / N^alpha + B / D^beta (N, D as counts)."""

    a_coef: float
    """A, the parameter term's coefficient."""
    b_coef: float
    """B, the data term's coefficient."""
    alpha: float
    """Exponent of N."""
    beta: float
    """Exponent of D."""

    @property
    def size_exponent(self) -> float:
        """a = beta / (alpha + beta): N_opt grows as C^a."""
        return self.beta / (self.alpha + self.beta)

    @property
    def g(self) -> float:
        """G = (alpha A / (beta B))^(1 / (alpha + beta))."""
        ratio = self.alpha * self.a_coef / (self.beta * self.b_coef)
        return float(ratio ** (1 / (self.alpha + self.beta)))


#: Hoffmann et al. 2022, eq. 10 (section D.2, as printed): E=1.69, A=406.4, B=410.7,
#: alpha=0.34, beta=0.28.
HOFFMANN = LossFit(a_coef=406.4, b_coef=410.7, alpha=0.34, beta=0.28)

#: Besiroglu et al. 2024, "Chinchilla Scaling: A replication attempt" (arXiv:2404.10102),
#: eq. 3: E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658.
BESIROGLU = LossFit(a_coef=482.01, b_coef=2085.43, alpha=0.3478, beta=0.3658)

#: Tokens per parameter of the rule of thumb (Chinchilla: 1.4T tokens / 70B parameters).
TOKENS_PER_PARAMETER_RULE = 20.0

FITS = {"hoffmann": HOFFMANN, "besiroglu": BESIROGLU}
RULE = "20x"


def _fit_name(fit: object) -> str:
    if fit not in (*FITS, RULE):
        raise InputError(
            f"unknown scaling fit {fit!r}; expected one of: {', '.join([*FITS, RULE])}"
        )
    return str(fit)


def chinchilla_params(compute: pint.Quantity, fit: object = "besiroglu") -> pint.Quantity:
    """Compute-optimal parameters [parameter] for a budget [FLOP] under ``fit``."""
    name = _fit_name(fit)
    per_six = magnitude(compute, "FLOP", "compute") / TRAINING_FLOP_PER_PARAMETER_TOKEN
    if name == RULE:
        return quantity(np.sqrt(per_six / TOKENS_PER_PARAMETER_RULE), "parameter")
    chosen = FITS[name]
    return quantity(chosen.g * per_six**chosen.size_exponent, "parameter")


def chinchilla_tokens(compute: pint.Quantity, fit: object = "besiroglu") -> pint.Quantity:
    """Compute-optimal training tokens [token] = C / (6 N_opt) under ``fit``."""
    params = magnitude(chinchilla_params(compute, fit), "parameter", "params")
    flops = magnitude(compute, "FLOP", "compute")
    return quantity(flops / (TRAINING_FLOP_PER_PARAMETER_TOKEN * params), "token")


def optimal_size_growth(compute_ratio: pint.Quantity, fit: object = "besiroglu") -> pint.Quantity:
    """How much larger the optimal model gets [1] when compute grows by ``compute_ratio`` [1].

    = ratio^a with a = beta / (alpha + beta) (0.5 under the 20x rule).
    """
    name = _fit_name(fit)
    exponent = 0.5 if name == RULE else FITS[name].size_exponent
    return quantity(magnitude(compute_ratio, "", "compute_ratio") ** exponent, "")
