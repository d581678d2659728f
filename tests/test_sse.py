"""The incremental SSE parser: any split of the bytes gives the same events as reading them at once."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from homesec_bench.client.sse import SSEEvent, SSEParser


def parse_whole(data: bytes) -> list[SSEEvent]:
    parser = SSEParser()
    return parser.feed(data) + parser.close()


def parse_pieces(pieces: list[bytes]) -> list[SSEEvent]:
    parser = SSEParser()
    events: list[SSEEvent] = []
    for piece in pieces:
        events += parser.feed(piece)
    return events + parser.close()


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(max(c, 0), len(data)) for c in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(data[start:point])
        start = point
    pieces.append(data[start:])
    return pieces


STREAM = (
    ": keep-alive\n\n"
    'data: {"choices": [{"delta": {"content": "Caf\u00e9 \U0001f512"}}]}\n\n'
    "event: error\r\ndata: first line\r\ndata: second line\r\n\r\n"
    "data: cr only\r\r"
    "id: 7\nretry: 100\ndata:no-space\n\n"
    "data: [DONE]\n\n"
).encode()

EXPECTED = [
    SSEEvent(None, '{"choices": [{"delta": {"content": "Caf\u00e9 \U0001f512"}}]}'),
    SSEEvent("error", "first line\nsecond line"),
    SSEEvent(None, "cr only"),
    SSEEvent(None, "no-space"),
    SSEEvent(None, "[DONE]"),
]


def test_parses_a_realistic_stream_at_once() -> None:
    assert parse_whole(STREAM) == EXPECTED


def test_every_single_split_point_gives_the_same_events() -> None:
    # Covers splits inside the multi-byte é and 🔒, and between every CR and LF.
    for cut in range(len(STREAM) + 1):
        assert parse_pieces([STREAM[:cut], STREAM[cut:]]) == EXPECTED, cut


def test_byte_at_a_time() -> None:
    assert parse_pieces([STREAM[i : i + 1] for i in range(len(STREAM))]) == EXPECTED


def test_several_events_in_one_read_come_out_in_order() -> None:
    parser = SSEParser()
    events = parser.feed(b"data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4")
    assert [e.data for e in events] == ["1", "2", "3"]
    assert [e.data for e in parser.close()] == ["4"]


def test_comment_only_and_empty_data_lines() -> None:
    assert parse_whole(b": ping\n\n: ping\n\n") == []
    assert parse_whole(b"data\n\n") == [SSEEvent(None, "")]
    assert parse_whole(b"data:\ndata:\n\n") == [SSEEvent(None, "\n")]


def test_event_name_resets_after_each_event() -> None:
    assert parse_whole(b"event: error\ndata: a\n\ndata: b\n\n") == [
        SSEEvent("error", "a"),
        SSEEvent(None, "b"),
    ]


def test_a_crlf_split_between_reads_is_one_line_end() -> None:
    assert parse_pieces([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]) == [SSEEvent(None, "a\nb")]


def test_a_lone_cr_then_more_text_is_not_mistaken_for_crlf() -> None:
    assert parse_pieces([b"data: a\rdata: b\r", b"\r"]) == [SSEEvent(None, "a\nb")]


def test_invalid_utf8_becomes_replacement_characters() -> None:
    assert parse_whole(b"data: \xff\xfe ok\n\n") == [SSEEvent(None, "\ufffd\ufffd ok")]


def test_leading_bom_is_dropped() -> None:
    assert parse_pieces([b"\xef\xbb", b"\xbfdata: x\n\n"]) == [SSEEvent(None, "x")]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.lists(st.integers(min_value=0, max_value=400), max_size=12))
def test_arbitrary_bytes_any_split_same_events_and_no_exception(data: bytes, cuts: list[int]) -> None:
    assert parse_pieces(split_at(data, cuts)) == parse_whole(data)


_line_ends = st.sampled_from(["\n", "\r\n", "\r"])
_texts = st.text(alphabet=st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.lists(_texts, min_size=1, max_size=3), _line_ends), min_size=1, max_size=6),
    st.lists(st.integers(min_value=0, max_value=2000), max_size=10),
)
def test_generated_events_survive_any_split(events: list[tuple[list[str], str]], cuts: list[int]) -> None:
    stream = ""
    for lines, end in events:
        stream += "".join(f"data: {line}{end}" for line in lines) + end
    data = stream.encode()
    expected = ["\n".join(lines) for lines, _ in events]
    assert [e.data for e in parse_pieces(split_at(data, cuts))] == expected
