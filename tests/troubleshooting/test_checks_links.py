"""The content check of links: every link to the site's own pages leads somewhere people can go."""

import pytest

from tests.factories import (
    make_cause,
    make_choice,
    make_question,
    make_symptom,
    make_topic,
)
from tests.troubleshooting.problems import found, later, the
from troubleshooting.content_checks import (
    Level,
    ProblemKind,
    check_content,
    check_object,
    links_in,
)
from troubleshooting.models import (
    Cause,
    FixStep,
    Status,
    Symptom,
    Topic,
    TriageQuestion,
)

pytestmark = pytest.mark.django_db


# Links --------------------------------------------------------------------------------------------

# Every Markdown field people can see, on the object that holds it.
MARKDOWN_FIELDS = [
    (Topic, "escalation"),
    (Symptom, "body"),
    (Symptom, "next_moves"),
    (Cause, "description"),
    (FixStep, "instructions"),
    (FixStep, "warning"),
    (TriageQuestion, "help"),
]


def test_every_markdown_field_is_checked():
    fields = {
        (model, source)
        for model in (Topic, Symptom, Cause, FixStep, TriageQuestion)
        for source, _ in model.markdown_fields
    }
    assert fields == set(MARKDOWN_FIELDS)


def with_link(guide, model, field, href):
    """Put a link into one Markdown field of the guide's content, and return its holder."""
    topic, symptom, steps, question = guide
    obj = {
        Topic: topic,
        Symptom: symptom,
        Cause: symptom.causes.first(),
        FixStep: steps[0],
        TriageQuestion: question,
    }[model]
    setattr(obj, field, f"{getattr(obj, field)}\n\nSee [this page]({href}).")
    obj.save()
    return obj


@pytest.mark.parametrize(
    ("model", "field"), MARKDOWN_FIELDS, ids=lambda v: getattr(v, "__name__", v)
)
def test_broken_links_are_found_in_every_markdown_field(guide, model, field):
    obj = with_link(guide, model, field, "/no-such-topic/at-all/")
    problem = the(ProblemKind.BROKEN_LINK, obj)
    assert problem.severity is Level.ERROR
    label = model._meta.get_field(field).verbose_name
    assert problem.message.startswith(f"In “{label[0].upper()}{label[1:]}”, the link to ")
    assert "there is no topic “no-such-topic”" in problem.message


def broken_hrefs(guide):
    topic, symptom, _, _ = guide
    draft = make_symptom(topic=topic, status=Status.DRAFT, slug="draft-symptom")
    make_question(topic=topic, slug="draft-question", status=Status.DRAFT)
    make_topic(slug="draft-topic", status=Status.DRAFT)
    make_topic(slug="no-questions")
    make_symptom(topic=topic, slug="no-steps")
    return {
        f"/{topic.slug}/nope/": "there is no symptom “nope”",
        "/nope/deeper/still/": "there is no page at this address",
        f"/{topic.slug}/{draft.slug}/": "“Symptom",
        f"/{topic.slug}/{draft.slug}/fix/": "is a draft",
        "/draft-topic/": "the topic “Topic",
        f"/{topic.slug}/fix/draft-question/": "is a draft",
        f"/{topic.slug}/fix/nope/": "there is no triage question",
        "/admin/": "the editors' admin",
        "/preview/": "preview switch",
        "/no-questions/fix/": "has no published first question",
        f"/{topic.slug}/no-steps/fix/1/": "has no published fix steps",
        f"/{topic.slug}/{symptom.slug}/fix/2/": f"Link to the symptom's page, /{topic.slug}/",
        f"/{topic.slug}/{symptom.slug}/fix/fixed/": "the middle of a guided fix",
        f"http://testserver/{topic.slug}/nope/": "there is no symptom",
        "/static/css/no-such-file.css": "no such file",
        "other-symptom/": "starts with neither “/” nor “https://”",
        "www.example.com": "starts with neither",
    }


def test_each_kind_of_broken_link(guide):
    hrefs = broken_hrefs(guide)
    _, symptom, _, _ = guide
    symptom.body = "\n\n".join(f"[link {n}]({href})" for n, href in enumerate(hrefs))
    symptom.save()
    problems = found(ProblemKind.BROKEN_LINK, symptom)
    by_href = {href: p for href in hrefs for p in problems if f"the link to {href} " in p.message}
    assert set(by_href) == set(hrefs)
    for href, expected in hrefs.items():
        assert expected in by_href[href].message, (href, by_href[href].message)
    assert len(problems) == len(hrefs)


def test_links_that_work_or_leave_the_site_pass(guide):
    topic, symptom, _, question = guide
    other = make_question(topic=topic, slug="which-one")
    make_choice(question=question, label="Other", next_question=other)
    make_choice(question=other, label="Same", symptom=symptom)
    base = f"/{topic.slug}/{symptom.slug}/"
    hrefs = [
        base,
        f"{base}#causes",
        f"{base}?utm=x",
        f"/{topic.slug}/{symptom.slug}",  # the site adds the slash
        f"{base}fix/",
        f"{base}fix/1/",
        f"{base}fix/end/",
        f"{base}feedback/",
        f"/{topic.slug}/",
        f"/{topic.slug}/fix/",
        f"/{topic.slug}/fix/which-one/",
        "/",
        "/search/?q=green+bubble",
        "/static/css/outcomes.css",
        f"http://localhost{base}",
        "https://support.apple.com/contact",
        "https://example.com/surely/broken/",
        "mailto:help@example.com",
        "tel:+441234567890",
        "#top",
        "?page=2",
    ]
    symptom.body = "\n\n".join(f"[link {n}]({href})" for n, href in enumerate(hrefs))
    symptom.save()
    assert len(links_in(symptom.body_html)) == len(hrefs)
    assert check_content() == []


def test_a_link_to_a_renamed_page_works_but_should_be_updated(guide):
    topic, symptom, steps, _ = guide
    old = f"/{topic.slug}/{symptom.slug}/"
    symptom.slug = "new-address"
    symptom.save()
    step = steps[0]
    step.instructions = f"Read [the article]({old}#steps) first."
    step.save()
    problem = the(ProblemKind.RENAMED_LINK, step)
    assert problem.severity is Level.WARNING
    assert f"replace it with /{topic.slug}/new-address/#steps" in problem.message


def test_links_in_content_people_cannot_see_are_not_checked(guide):
    cause = make_cause(status=Status.DRAFT, description="See [this](/nope/deeper/still/).")
    assert found(ProblemKind.BROKEN_LINK) == []
    cause.publish_at, cause.status = later(days=1), Status.PUBLISHED
    cause.save()
    assert found(ProblemKind.BROKEN_LINK) == []
    cause.publish_at = None
    cause.save()
    assert the(ProblemKind.BROKEN_LINK, cause)


def test_links_into_a_draft_show_on_the_draft_too(guide):
    topic, symptom, steps, _ = guide
    step = with_link(guide, FixStep, "instructions", f"/{topic.slug}/{symptom.slug}/")
    symptom.status = Status.DRAFT
    assert the(ProblemKind.BROKEN_LINK, step, check_object(symptom))
