"""The deck parser: every card kind, ids and tags, and every problem at its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.cards import CardKind
from flashcards.cloze import find_clozes, render_cloze
from flashcards.parsing import parse_deck, split_attrs

PATH = Path("deck.md")


def parse(text: str):
    return parse_deck(textwrap.dedent(text).lstrip("\n"), PATH)


def one(text: str):
    deck, problems = parse(text)
    assert problems == [], [str(p) for p in problems]
    assert len(deck.notes) == 1, deck.notes
    return deck.notes[0]


def messages(text: str) -> list[tuple[int, str]]:
    _, problems = parse(text)
    return [(p.line, p.message) for p in problems]


# -- card kinds ------------------------------------------------------------------------


def test_long_form_basic_card_takes_heading_as_front_and_section_as_back():
    note = one(
        """
        ## What does $p(x \\mid \\theta)$ say?

        The density of $x$ when the parameters are $\\theta$.

        ### Why it matters
        More text.
        """
    )
    assert note.kind is CardKind.BASIC
    assert note.front == "What does $p(x \\mid \\theta)$ say?"
    assert note.back.startswith("The density")
    assert "### Why it matters" in note.back
    assert note.line == 1


def test_compact_q_a_card_on_adjacent_lines():
    note = one(
        """
        Q: What is the log of a product?
        A: The sum of the logs.
        """
    )
    assert (note.kind, note.front, note.back) == (
        CardKind.BASIC,
        "What is the log of a product?",
        "The sum of the logs.",
    )


def test_q_a_answer_runs_over_blocks_until_next_card():
    deck, problems = parse(
        """
        Q: Which code?

        ```python
        x = 1
        ```

        A: This one.

        - a list in the answer

        Q: Next?
        A: Yes.
        """
    )
    assert problems == []
    first, second = deck.notes
    assert "```python" in first.front
    assert first.back.startswith("This one.") and "- a list in the answer" in first.back
    assert second.front == "Next?" and second.line == 11


def test_obsidian_one_line_cards_one_per_line():
    deck, problems = parse(
        """
        log of a product :: sum of logs
        $\\sigma(0)$::$\\tfrac{1}{2}$
        """
    )
    assert problems == []
    assert [(n.kind, n.front, n.back, n.line) for n in deck.notes] == [
        (CardKind.BASIC, "log of a product", "sum of logs", 1),
        (CardKind.BASIC, "$\\sigma(0)$", "$\\tfrac{1}{2}$", 2),
    ]


def test_double_colon_inside_code_or_math_is_not_a_separator():
    _, problems = parse("Use `std::vector` here.\n")
    assert [p.message.split(";")[0] for p in problems] == ["text outside any card"]


def test_reversible_card_makes_two_sibling_cards():
    note = one("KL divergence ::: $D_{\\mathrm{KL}}(q \\| p)$\n")
    assert note.kind is CardKind.REVERSIBLE
    assert [c.id for c in note.cards] == [f"{note.id}:0", f"{note.id}:1"]
    assert note.cards[0].siblings == (f"{note.id}:1",)


def test_long_form_reversible_with_attribute():
    note = one("## ELBO {reverse}\n\n$\\mathbb{E}_q[\\log p(x,z) - \\log q(z)]$\n")
    assert note.kind is CardKind.REVERSIBLE and note.front == "ELBO"


def test_cloze_numbers_make_siblings_and_same_number_hides_together():
    note = one("C: {{c1::Bayes}} rule: posterior is {{c2::likelihood}} times {{c1::prior}}.\n")
    assert note.kind is CardKind.CLOZE
    assert note.ordinals == (1, 2)
    front = render_cloze(note.front, 1, reveal=False)
    assert front.count("⟦…⟧") == 2 and "likelihood" in front


def test_cloze_inside_math_with_nested_braces_and_hint():
    text = "$\\frac{d}{dx}\\log x = {{c1::\\frac{1}{x}}}$ for {{c2::$x>0$::domain}}"
    note = one(text + "\n")
    clozes = find_clozes(note.front)
    assert [(c.number, c.content, c.hint, c.in_math) for c in clozes] == [
        (1, "\\frac{1}{x}", None, True),
        (2, "$x>0$", "domain", False),
    ]
    assert "**⟦domain⟧**" in render_cloze(note.front, 2, reveal=False)
    assert "\\boxed{\\frac{1}{x}}" in render_cloze(note.front, 1, reveal=True)


def test_long_form_cloze_uses_heading_and_section():
    note = one(
        "## Bayes' rule\n\n$p(\\theta \\mid x) = {{c1::p(x \\mid \\theta)}} p(\\theta) / p(x)$\n"
    )
    assert note.kind is CardKind.CLOZE and note.front.startswith("Bayes' rule")


def test_math_card_reads_every_answer_key():
    note = one(
        """
        ## $\\frac{d}{dx}\\log\\sigma(x)$ {#dlog-sigmoid .calculus}

        ```answer
        expected: $1 - \\sigma(x)$
        define:
          - sigma(x) = 1/(1+e^(-x))
        assume: x real
        names: [mu1]
        mode: expression
        form: simplified
        rel_tol: 0.001
        accept:
          - sigma(-x)
        reject:
          - sigma(x)
        ```

        Because of the chain rule.
        """
    )
    assert note.kind is CardKind.MATH and note.id == "dlog-sigmoid" and note.explicit_id
    spec = note.math
    assert spec.expected == "1 - \\sigma(x)"
    assert spec.definitions == ("sigma(x) = 1/(1+e^(-x))",)
    assert spec.assumptions == ("x real",) and spec.names == ("mu1",)
    assert (spec.form, spec.rel_tol, spec.abs_tol) == ("simplified", 0.001, None)
    assert spec.accept == (("sigma(-x)", 13),) and spec.reject == (("sigma(x)", 15),)
    assert note.back == "Because of the chain rule."
    assert note.tags == ("calculus",)
    assert set(spec.options()) == {
        "definitions",
        "assumptions",
        "names",
        "mode",
        "form",
        "rel_tol",
        "abs_tol",
        "sig_figs",
    }


def test_compact_math_card_with_answer_block_after_a():
    note = one(
        """
        Q: $\\hat p = ?$ for $k$ heads in $n$ flips
        A:
        ```answer
        expected: k/n
        ```
        """
    )
    assert (
        note.kind is CardKind.MATH
        and note.math.expected == "k/n"
        and note.front.startswith("$\\hat")
    )


def test_front_matter_defaults_merge_into_answer_blocks():
    note = one(
        """
        ---
        defaults:
          assume: [x > 0]
          mode: expression
        ---
        ## $\\log(x^2)$

        ```answer
        expected: 2 log(x)
        assume: [y > 0]
        ```
        """
    )
    assert note.math.assumptions == ("x > 0", "y > 0")


def test_choice_card_from_task_list_with_front_and_back_text():
    note = one(
        """
        ## Which are true of KL?

        Consider $D_{\\mathrm{KL}}(q\\|p)$.

        - [x] never negative
        - [ ] symmetric
        - [X] zero when $q = p$

        Symmetry fails in general.
        """
    )
    assert note.kind is CardKind.CHOICE
    assert [(c.text, c.correct) for c in note.choices] == [
        ("never negative", True),
        ("symmetric", False),
        ("zero when $q = p$", True),
    ]
    assert "Consider" in note.front and note.back == "Symmetry fails in general."


def test_typed_text_card_with_alternatives():
    note = one(
        """
        ## What do VAEs maximise?

        ```answer
        text: evidence lower bound
        alternatives: [ELBO, variational lower bound]
        ```
        """
    )
    assert note.kind is CardKind.TEXT
    assert note.text.answer == "evidence lower bound"
    assert note.text.alternatives == ("ELBO", "variational lower bound")


def test_ids_and_tags_on_every_form():
    deck, problems = parse(
        """
        ---
        tags: [ml]
        ---
        Q: One? {#one .a .b}
        A: yes

        front :: back {#two}

        C: {{c1::cloze}} here {#three .c}

        ## Long {#four}

        back
        """
    )
    assert problems == []
    assert [(n.id, n.tags) for n in deck.notes] == [
        ("one", ("ml", "a", "b")),
        ("two", ("ml",)),
        ("three", ("ml", "c")),
        ("four", ("ml",)),
    ]


def test_latex_group_at_line_end_is_not_an_attribute_list():
    assert split_attrs("value of $x^{2}$ {2}")[1] is None
    assert split_attrs("Heading {#kl-nonneg .vi}")[1].id == "kl-nonneg"


def test_content_id_ignores_position_and_whitespace_but_not_text():
    a = one("Q: What is  2+2?\nA: 4\n")
    b = one("\n\n\nQ: What is 2+2?\nA:   4\n")
    c = one("Q: What is 2+3?\nA: 5\n")
    assert a.id == b.id != c.id and a.id.startswith("~")


def test_front_matter_sets_name_description_sources_macros():
    deck, problems = parse(
        """
        ---
        name: Probability and notation
        description: The basics.
        sources: [Bishop 2006]
        macros:
          \\E: \\mathbb{E}
        ---
        a :: b
        """
    )
    assert problems == []
    assert deck.name == "Probability and notation" and deck.sources == ("Bishop 2006",)
    assert deck.macro_map == {"\\E": "\\mathbb{E}"}


def test_heading_group_title_holds_compact_cards():
    deck, problems = parse(
        """
        ## Logs

        Q: log of a product?
        A: sum of logs

        ## Exps
        ### exp of a sum?
        product of exps
        """
    )
    assert problems == []
    assert [n.front for n in deck.notes] == ["log of a product?", "exp of a sum?"]


def test_html_comments_hide_drafts():
    deck, problems = parse(
        """
        <!--
        Q: draft
        A: not yet
        -->
        Q: real
        A: yes
        """
    )
    assert problems == [] and [n.front for n in deck.notes] == ["real"]


def test_thematic_break_ends_a_long_form_card():
    deck, problems = parse("## A\n\nback\n\n---\n\nx :: y\n")
    assert problems == [] and [n.back for n in deck.notes] == ["back", "y"]


def test_image_references_are_recorded_with_their_line():
    note = one("## Graph\n\nSee\n\n![the DAG](figures/dag.png)\n")
    assert [(i.src, i.alt, i.line) for i in note.images] == [("figures/dag.png", "the DAG", 5)]


# -- problems, each at its line --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a :: b\n\nQ: no answer here\n", 3, "question with no answer"),
        ("a :: b\nA: orphan\n", 2, "line without `::`"),
        ("x :: y\n\nA: orphan\n", 3, "answer with no question"),
        ("x :: y\n\nSome stray text.\n", 3, "text outside any card"),
        ("Q: q\nA: cost is $5 and more\n", 2, "unterminated math"),
        ("Q: q\nA: see $$x^2 and more\n", 2, "close the `$$`"),
        ("C: {{c1::never closed\n", 1, "unterminated cloze"),
        ("## Cloze {#x}\n\nno deletion {{c0::zero}}\n", 1, "cloze numbers start at 1"),
        ("## Choose\n\n- [ ] a\n- [ ] b\n", 3, "no right option"),
        ("## Choose\n\n- [x] only\n", 3, "one option"),
        ("## Choose\n\n- [x] a\n" + "- [ ] b\n" * 26, 3, "with 27 options; options are picked"),
        ("## Math\n\n```answer\nmode: equation\n```\n", 3, "without an expected answer"),
        ("## Math\n\n```answer\nexpectd: 1\n```\n", 4, "unknown answer key `expectd`"),
        ("## Math\n\n```answer\nexpected: [1\n```\n", 5, "answer block"),
        ("## Math\n\n```answer\nexpected: x\nmode: sideways\n```\n", 3, "unknown mode"),
        ("## Math\n\n```answer\nexpected: x\nform: pretty\n```\n", 3, "unknown form"),
        (
            "## Math\n\n```answer\nexpected: x\nrel_tol: lots\n```\n",
            3,
            "`rel_tol` must be a number",
        ),
        ("a :: b {#same}\nc :: d {#same}\n", 2, "duplicate id `same`"),
        ("a :: b\n\na :: b\n", 3, "duplicate card"),
        ("---\nname: [unclosed\n---\na :: b\n", 3, "front matter"),
        ("---\nnmae: x\n---\na :: b\n", 1, "unknown front-matter key `nmae`"),
        ("## Empty heading\n\n## Next\n\nback\n", 1, "heading with no answer"),
        ("## Back empty {#x}\n<!-- c -->\n", 1, "heading with no answer"),
        ("a :: \n", 1, "empty side"),
        ("## M\n\n```answer\ntext: a\nexpected: b\n```\n", 3, "takes only `alternatives`"),
    ],
)
def test_problem_is_reported_at_its_line(text, line, fragment):
    found = messages(text)
    assert any(fragment in message and at == line for at, message in found), found


def test_all_problems_of_a_file_in_one_pass_and_good_cards_kept():
    deck, problems = parse(
        """
        Q: good one
        A: yes

        Q: no answer

        ## Choose

        - [ ] a
        - [ ] b

        ---

        good :: card
        """
    )
    assert len(problems) == 2
    assert {n.front for n in deck.notes} == {"good one", "good"}


# -- properties ------------------------------------------------------------------------

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789", min_size=1, max_size=8)
PHRASE = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
SIDE = st.one_of(PHRASE, st.tuples(PHRASE, WORD).map(lambda t: f"{t[0]} $x_{{{t[1]}}}$"))


@st.composite
def notes(draw):
    kind = draw(
        st.sampled_from(["qa", "long", "line", "reverse", "cloze", "choice", "math", "text"])
    )
    front, back = draw(SIDE), draw(SIDE)
    return kind, front, back


def render(kind: str, front: str, back: str, n: int) -> str:
    if kind == "qa":
        return f"Q: {front} q{n}\nA: {back}\n"
    if kind == "long":
        return f"## {front} q{n}\n\n{back}\n"
    if kind == "line":
        return f"{front} q{n} :: {back}\n"
    if kind == "reverse":
        return f"{front} q{n} ::: {back}\n"
    if kind == "cloze":
        return f"C: {front} q{n} {{{{c1::{back}}}}}\n"
    if kind == "choice":
        return f"## {front} q{n}\n\n- [x] {back}\n- [ ] not {back}\n"
    if kind == "math":
        return f"## {front} q{n}\n\n```answer\nexpected: x + {n}\n```\n\n{back}\n"
    return f"## {front} q{n}\n\n```answer\ntext: {back}\n```\n"


KINDS = {
    "qa": CardKind.BASIC,
    "long": CardKind.BASIC,
    "line": CardKind.BASIC,
    "reverse": CardKind.REVERSIBLE,
    "cloze": CardKind.CLOZE,
    "choice": CardKind.CHOICE,
    "math": CardKind.MATH,
    "text": CardKind.TEXT,
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(notes(), min_size=1, max_size=12))
def test_generated_decks_parse_back_to_the_same_cards(items):
    # Long forms need a break before compact cards follow them.
    text = "\n---\n\n".join(render(kind, f, b, n) for n, (kind, f, b) in enumerate(items))
    deck, problems = parse_deck(text, PATH)
    assert problems == []
    assert [n.kind for n in deck.notes] == [KINDS[k] for k, _, _ in items]
    for note, (kind, front, back) in zip(deck.notes, items, strict=True):
        assert note.front.startswith(front)
        if kind in ("qa", "long", "line", "reverse"):
            assert note.back == back
    again, _ = parse_deck("\n\n" + text.replace("\n---\n", "\n\n---\n"), PATH)
    assert [n.id for n in again.notes] == [n.id for n in deck.notes]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises_and_problems_lie_inside_the_file(text):
    deck, problems = parse_deck(text, PATH)
    n_lines = max(1, text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1)
    for problem in problems:
        assert 1 <= problem.line <= n_lines and problem.col >= 1


MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "Q: a",
            "A: b",
            "## h",
            "# t",
            "---",
            "- [x] y",
            "- [ ] n",
            "```answer",
            "```",
            "expected: x",
            "{{c1::z}}",
            "a :: b",
            "c ::: d",
            "$x",
            "$$",
            "<!--",
            "-->",
            "",
            "text",
            "  - nested",
            "> quote",
            "| a | b |",
            "|---|---|",
        ]
    ),
    max_size=40,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_markdown_shaped_noise_never_raises(text):
    deck, problems = parse_deck(text, PATH)
    n_lines = text.count("\n") + 1
    assert all(1 <= p.line <= n_lines for p in problems)
    assert len({n.id for n in deck.notes}) == len(deck.notes)


def test_compact_cards_after_a_long_form_card_are_cards_of_their_own():
    deck, problems = parse(
        """
        ## What is a collider?

        A node with two arrows pointing into it.

        Q: What does conditioning on a collider do?
        A: It can make its parents dependent.

        front ::: back

        The chain rule: {{c1::multiply the derivatives}}.
        """
    )
    assert problems == []
    assert [(n.kind, n.front) for n in deck.notes] == [
        (CardKind.BASIC, "What is a collider?"),
        (CardKind.BASIC, "What does conditioning on a collider do?"),
        (CardKind.REVERSIBLE, "front"),
        (CardKind.CLOZE, "The chain rule: {{c1::multiply the derivatives}}."),
    ]
    assert deck.notes[0].back == "A node with two arrows pointing into it."


def test_a_long_form_cloze_keeps_its_later_cloze_paragraphs():
    note = one("## Bayes\n\nposterior {{c1::likelihood}}\n\nand {{c2::prior}}\n")
    assert note.kind is CardKind.CLOZE and note.ordinals == (1, 2)


def test_image_line_is_the_file_line_in_compact_cards():
    deck, problems = parse("x :: y\n\nQ: Which graph?\nA: This one:\n![the DAG](dag.png)\n")
    assert problems == []
    assert [(i.src, i.line) for i in deck.notes[1].images] == [("dag.png", 5)]


def test_unterminated_cloze_in_a_compact_answer_is_located_in_the_file():
    _, problems = parse("x :: y\n\nQ: Which rule?\nA: The {{c1::chain rule\n")
    assert [(p.line, p.col, p.message.split(";")[0]) for p in problems] == [
        (4, 8, "unterminated cloze")
    ]


# -- slips that still parse: empty clozes, LaTeX outside math ------------------------------


def located(text: str) -> list[tuple[int, int, str, bool]]:
    _, problems = parse(text)
    return [(p.line, p.col, p.message, p.warning) for p in problems]


@pytest.mark.parametrize(
    ("text", "line", "col", "shown"),
    [
        ("C: a {{c1::x}} and {{c2::}}\n", 1, 20, "{{c2::}}"),
        ("x :: y\n\nThe {{c1::   }} is empty\n", 3, 5, "{{c1::   }}"),
        ("## Heading\n\nfirst line\nthen {{c1:: ::a hint}}\n", 4, 6, "{{c1:: ::a hint}}"),
        ("C: in math $x = {{c1::}}$\n", 1, 17, "{{c1::}}"),
    ],
)
def test_an_empty_cloze_is_an_error_at_its_line_and_column(text, line, col, shown):
    deck, problems = parse(text)
    assert [(p.line, p.col, p.warning) for p in problems] == [(line, col, False)]
    assert f"empty cloze `{shown}`" in problems[0].message
    assert not any(n.kind is CardKind.CLOZE for n in deck.notes)  # the card is left out


@pytest.mark.parametrize(
    ("text", "line", "col", "command"),
    [
        ("Q: the noise is x \\sim N(0, 1)\nA: yes\n", 1, 19, "\\sim"),
        ("Q: units?\nA: it is \\mathrm{nats}\n", 2, 10, "\\mathrm"),
        ("## Half\n\nwrite \\frac{1}{2} here\n", 3, 7, "\\frac"),
        ("## Where $x$ is \\alpha\n\nback\n", 1, 17, "\\alpha"),
        ("x :: $a$ then \\sim b\n", 1, 15, "\\sim"),
        ("## Choose\n\n- [x] \\sigma(x)\n- [ ] b\n", 3, 7, "\\sigma"),
    ],
)
def test_latex_outside_math_is_a_warning_at_its_line_and_column(text, line, col, command):
    deck, problems = parse(text)
    assert [(p.line, p.col, p.warning) for p in problems] == [(line, col, True)]
    assert problems[0].message == f"LaTeX outside math: {command}; is a `$` missing?"
    assert str(problems[0]).startswith(f"deck.md:{line}:{col}: warning: LaTeX outside math")
    assert len(deck.notes) == 1  # a warning keeps the card


@pytest.mark.parametrize(
    "text",
    [
        "Q: math $x \\sim p$ and $$\\frac{1}{2}$$\nA: yes\n",
        "Q: escapes \\* \\_ \\$5 \\\\ and \\\\sim, a backslash then text\nA: yes\n",
        "Q: code `\\sim` and ``x \\frac``\nA: yes\n",
        "## Code\n\n```latex\n\\frac{1}{2}\n```\n",
        "## Math\n\n```answer\nexpected: \\frac{1}{2}\n```\n",
        "Q: a path C:\\Users\\me or \\n in prose\nA: yes\n",
        "## Indented\n\n    \\frac{1}{2} as code\n",
        "Q: an image ![x](a.png)\nA: $\\mathbb{E}$\n",
    ],
)
def test_math_code_and_markdown_escapes_are_not_latex_outside_math(text):
    assert located(text) == []


def test_after_an_unterminated_dollar_only_that_is_reported():
    found = located("Q: q\nA: cost $5 and \\sim\n")
    assert [(line, col, warning) for line, col, _, warning in found] == [(2, 9, True)]
    assert "unterminated math" in found[0][2]


@given(st.text(alphabet="ab $\\`{}*\nsimfrac", max_size=80))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_slips_are_located_inside_the_file_and_point_at_a_backslash(body):
    text = "Q: " + body + "\nA: b\n"
    lines = text.split("\n")
    _, problems = parse_deck(text, PATH)
    for p in problems:
        assert 1 <= p.line <= len(lines)
        if p.message.startswith("LaTeX outside math"):
            assert lines[p.line - 1][p.col - 1] == "\\"


# -- likely cloze typos ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "typo", "kept"),
    [
        # a basic card with a typo'd cloze in its back: kept as written, with a warning
        ("## Entropy\n\nIt is {c1::oops}} in nats\n", 3, 7, "{c1::", True),
        ("Q: what?\nA: the {c2::answer}}\n", 2, 8, "{c2::", True),
        # nothing else makes it a card: the typo is the error, not "text outside any card"
        ("x :: y\n\nthe {{c1:missing colon}} here\n", 3, 5, "{{c1:", False),
        ("C: The {c1::oops}} thing\n", 1, 8, "{c1::", False),
    ],
)
def test_a_mistyped_cloze_is_reported_at_its_line_and_column_with_the_syntax(
    text, line, col, typo, kept
):
    deck, problems = parse(text)
    assert [(p.line, p.col) for p in problems] == [(line, col)], [str(p) for p in problems]
    (problem,) = problems
    number = typo.strip("{c:")
    assert problem.message.startswith(f"likely cloze typo `{typo}`")
    assert problem.message.endswith(f"write `{{{{c{number}::text}}}}`")
    assert problem.warning is kept
    assert len([n for n in deck.notes if n.front != "x"]) == (1 if kept else 0)


def test_correct_clozes_and_braces_in_math_are_not_typos():
    assert located("C: {{c1::a}} and $\\frac{c}{2}$ and {{c2::b::hint}}\n") == []
    assert located("Q: a set {c} or `{c1::code}`\nA: $\\{c_1: x\\}$\n") == []


def test_an_unterminated_dollar_is_a_warning_and_its_card_is_studied():
    deck, problems = parse("Q: q\nA: cost is $5 and more\n")
    assert [(p.line, p.col, p.warning) for p in problems] == [(2, 12, True)]
    assert [n.back for n in deck.notes] == ["cost is $5 and more"]


def test_math_after_a_code_span_is_still_math():
    from flashcards.mathspans import math_spans

    text = "see `ls` then $x^2$ and ``a`b`` then $y$"
    assert [(s.start, s.end) for s in math_spans(text)[0]] == [(14, 19), (37, 40)]
    assert located("Q: run `ls` then $x \\sim p$\nA: yes\n") == []
