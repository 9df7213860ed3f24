"""Adversarial answers, applied inside a throwaway copy of a kernel (stdlib only).

``grader validate`` sends this file's source into a probe (see ``grade.probes``) and
calls one of its functions on the notebook's namespace just before a question's tests.
A question whose tests still give full marks is weak: students can pass it without
solving it.
"""

import copy
import pickle


class AlwaysEqual:
    """Equal to everything; every attribute, item and call gives itself back; true, and length 0."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = __contains__ = __eq__

    def __hash__(self):
        return 0

    def __bool__(self):
        return True

    def __getattr__(self, name):
        if name.startswith("__"):  # protocols (__array__, __len__, ...) must not be faked by accident
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __len__(self):
        return 0

    def __iter__(self):
        return iter(())

    def __float__(self):
        return 0.0

    def __int__(self):
        return 0

    __index__ = __int__

    def __abs__(self):
        return self

    __neg__ = __pos__ = __abs__

    def __add__(self, other):
        return self

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __matmul__ = __rmatmul__ = __pow__ = __add__

    def __repr__(self):
        return "AlwaysEqual()"


def always_equal(functions, variables, namespace):
    """Functions return an ``AlwaysEqual``; variables become one."""
    liar = AlwaysEqual()
    for name in functions:
        namespace[name] = lambda *args, **kwargs: liar
    for name in variables:
        namespace[name] = liar


def identity(functions, namespace):
    """Functions return their first argument unchanged."""
    for name in functions:
        namespace[name] = lambda first=None, *args, **kwargs: first


_RECORDED = "_grader_recorded_calls_"


def record(functions, namespace):
    """Wrap the real functions to remember what they returned for which arguments."""
    calls = namespace.setdefault(_RECORDED, {})
    for name in functions:
        real = namespace[name]

        def recorder(*args, _real=real, _name=name, **kwargs):
            key = _key(args, kwargs)
            result = _real(*args, **kwargs)
            calls.setdefault(_name, []).append((key, _copy(result)))
            return result

        namespace[name] = recorder


def replay(functions, namespace):
    """Functions hard-coded to the recorded answers: the same result for the same arguments, else the first one."""
    calls = namespace.get(_RECORDED, {})
    for name in functions:
        recorded = calls.get(name, [])

        def hard_coded(*args, _recorded=recorded, **kwargs):
            key = _key(args, kwargs)
            for known, result in _recorded:
                if key is not None and known == key:
                    return _copy(result)
            return _copy(_recorded[0][1]) if _recorded else None

        namespace[name] = hard_coded


def _key(args, kwargs):
    try:
        return pickle.dumps((args, sorted(kwargs.items())))
    except Exception:  # unpicklable arguments: never matched
        return None


def _copy(value):
    try:
        return copy.deepcopy(value)
    except Exception:
        return value
