"""The error classes: every wrong argument a yieldtrial error, still the builtin it was."""

from __future__ import annotations

import pickle

import pytest

import yieldtrial as yt
from yieldtrial.errors import UnknownNameError, WrongTypeError, YieldTrialError


def test_wrong_type_error_is_a_yieldtrial_error_and_a_type_error():
    """``except TypeError`` (the class before stop 39) and ``except YieldTrialError`` catch it."""
    error = WrongTypeError("read_plots() takes a file path or a pandas DataFrame; got list")
    assert isinstance(error, YieldTrialError) and isinstance(error, TypeError)


def test_unknown_name_error_prints_its_sentence_not_a_quoted_key():
    """KeyError quotes its argument ("'no section ...'"); this one prints the sentence."""
    error = UnknownNameError("no section 'x'; sections: summary")
    assert isinstance(error, KeyError) and isinstance(error, YieldTrialError)
    assert str(error) == "no section 'x'; sections: summary"


def test_the_new_classes_are_public_names():
    """They are importable from the package, as the other error classes."""
    assert yt.WrongTypeError is WrongTypeError and yt.UnknownNameError is UnknownNameError
    assert {"WrongTypeError", "UnknownNameError"} <= set(yt.__all__)


@pytest.mark.parametrize("cls", [WrongTypeError, UnknownNameError])
def test_the_new_classes_pickle(cls):
    """A notebook's multiprocessing worker can send the error back."""
    copy = pickle.loads(pickle.dumps(cls("message")))  # noqa: S301 - our own bytes
    assert type(copy) is cls and str(copy) == "message"
