"""The names the answer reader knows: functions, constants, Greek letters, symbols.

Plain tables, with no reading logic: `grammar` reads with them, `printer` shows with them.
"""

from __future__ import annotations

import builtins
import keyword

from flashcards.latexnames import SIZING_COMMANDS

#: Built-in functions and how many arguments they take (min, max).
FUNCTIONS: dict[str, tuple[int, int]] = {
    **{
        name: (1, 1)
        for name in [
            "sin",
            "cos",
            "tan",
            "sec",
            "csc",
            "cot",
            "asin",
            "acos",
            "atan",
            "sinh",
            "cosh",
            "tanh",
            "asinh",
            "acosh",
            "atanh",
            "exp",
            "ln",
            "sqrt",
            "abs",
            "sign",
            "floor",
            "ceil",
            "factorial",
            "sigmoid",
            "softplus",
        ]
    },
    "log": (1, 2),
    "root": (2, 2),
    "binomial": (2, 2),
    "max": (2, 8),
    "min": (2, 8),
}
#: Other spellings of built-in functions.
FUNCTION_ALIASES = {
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "arsinh": "asinh",
    "arcsinh": "asinh",
    "arcosh": "acosh",
    "arccosh": "acosh",
    "artanh": "atanh",
    "arctanh": "atanh",
    "sgn": "sign",
    "lg": "log",
}
CONSTANT_WORDS = {"pi": "pi", "oo": "oo", "inf": "oo", "infinity": "oo", "infty": "oo"}
GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
]
GREEK_ALIASES = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho"}
GREEK_LETTERS = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ϑ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "µ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "Γ": "Gamma",
    "Δ": "Delta",
    "Θ": "Theta",
    "Λ": "Lambda",
    "Ξ": "Xi",
    "Π": "Pi",
    "Σ": "Sigma",
    "Φ": "Phi",
    "Ψ": "Psi",
    "Ω": "Omega",
}
GREEK_SYMBOL = {name: char for char, name in GREEK_LETTERS.items() if char not in "ϵϑµϕ"}
SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4"}
SUPERSCRIPTS |= {"⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"}
#: Unicode operators and their ASCII meaning.
UNICODE_OPS = {
    "·": "*",
    "⋅": "*",
    "×": "*",
    "∗": "*",
    "÷": "/",
    "−": "-",
    "–": "-",
    "√": "√",
    "∞": "oo",
    "π": "pi",
}
#: LaTeX commands that are only spacing or sizing (`\mathrm` and kin are read in `_latex`).
LATEX_IGNORED = SIZING_COMMANDS | {"quad", "qquad", "displaystyle"}
LATEX_OPS = {
    "cdot": "*",
    "times": "*",
    "ast": "*",
    "div": "/",
    "lvert": "|",
    "rvert": "|",
    "vert": "|",
    "lbrace": "{",
    "rbrace": "}",
    "infty": "oo",
    "pi": "pi",
}
LATEX_SPECIAL = {"frac", "dfrac", "tfrac", "cfrac", "sqrt", "binom", "dbinom", "tbinom"}


#: Words that read as products of letters but are surely code or a CAS's special values.
RESERVED = (
    frozenset(keyword.kwlist)
    | frozenset(n for n in dir(builtins) if n.isalpha() and len(n) <= 3)
    | frozenset({"nan", "zoo", "NaN"})
) - (frozenset(GREEK) | frozenset(CONSTANT_WORDS) | frozenset(FUNCTIONS) | {"pow"})


#: `\\sin^{-1}` and friends name inverse functions.
INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh"}
INVERSES["tanh"] = "atanh"


def canonical_function(name: str) -> str | None:
    """The built-in function a word names, or None."""
    name = FUNCTION_ALIASES.get(name, name)
    return name if name in FUNCTIONS else None


def function_key(name: str) -> str:
    """`sigma`, `\\sigma` and `σ` all name the function `sigma`."""
    name = name.strip().lstrip("\\")
    name = GREEK_LETTERS.get(name, name)
    return GREEK_ALIASES.get(name, name)
