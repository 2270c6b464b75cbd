"""The French-Vietnamese lexicon: curated and learned entries, function words, slugs."""

from __future__ import annotations

from importlib.resources import files

import pytest

from aligner.lexicon import (
    build,
    default_lexicon,
    fr_tokens,
    merge,
    parse_tsv,
    vi_tokens,
)

# (French text, Vietnamese text, why the two must share a concept)
GOLDEN = [
    ("Le typhon a frappé le centre", "Cơn bão đổ bộ miền Trung", "typhoon: bão"),
    ("des inondations dans le delta", "lũ lụt ở đồng bằng", "floods, plural folded"),
    ("un glissement de terrain a tué", "sạt lở đất làm chết", "landslide, 3-token term"),
    ("de fortes pluies", "mưa lớn kéo dài", "heavy rain"),
    ("la sécheresse et la salinisation", "hạn hán và xâm nhập mặn", "drought, salinity"),
    ("la récolte de riz", "thu hoạch lúa", "harvest; rice as lúa"),
    ("les éleveurs de porcs", "người chăn nuôi lợn", "breeders, pigs"),
    ("le prix des engrais", "giá phân bón", "fertiliser"),
    ("le secrétaire général du Parti To Lam", "Tổng Bí thư Tô Lâm", "party leader, 5 tokens"),
    ("le Comité central", "Ban Chấp hành Trung ương", "Central Committee"),
    ("le Bureau politique", "Bộ Chính trị", "Politburo"),
    ("le Front de la Patrie du Vietnam", "Mặt trận Tổ quốc Việt Nam", "Fatherland Front"),
    ("le comité populaire de la province", "UBND tỉnh", "people's committee, acronym"),
    ("les exportations de café", "xuất khẩu cà phê", "export, plural folded"),
    ("la vaccination des enfants", "tiêm chủng cho trẻ em", "vaccination"),
    ("les élèves du lycée", "học sinh trường THPT", "pupils, high school"),
    ("la finale de la Coupe du monde", "chung kết World Cup", "final, World Cup"),
    ("l'entraîneur de l'équipe nationale", "HLV đội tuyển quốc gia", "coach (HLV), team"),
    ("le musée et la pagode", "bảo tàng và chùa", "museum, pagoda"),
    ("la nouvelle autoroute", "đường cao tốc mới", "expressway beats route = đường"),
]


@pytest.mark.parametrize(("fr", "vi", "why"), GOLDEN)
def test_golden_entries_match_on_both_sides(fr: str, vi: str, why: str) -> None:
    lex = default_lexicon()
    assert lex.concepts(fr, "fr") & lex.concepts(vi, "vi"), why


def test_titles_keep_their_own_concepts() -> None:
    lex = default_lexicon()
    party = lex.concepts("le secrétaire général du Parti", "fr")
    onu = lex.concepts("le secrétaire général de l'ONU", "fr")
    assert party & lex.concepts("Tổng Bí thư", "vi")
    assert onu & lex.concepts("Tổng Thư ký Liên Hợp Quốc", "vi")
    assert not party & lex.concepts("Tổng Thư ký Liên Hợp Quốc", "vi")
    assert not onu & lex.concepts("Tổng Bí thư", "vi")


def test_slugs_match_folded_vietnamese() -> None:
    lex = default_lexicon()
    cases = [
        ("Sạt lở đất ở Lào Cai", "sat-lo-dat-o-lao-cai"),
        ("Bão số 3 gây lũ lụt", "bao-so-3-gay-lu-lut"),
        ("Tổng Bí thư thăm Pháp", "tong-bi-thu-tham-phap"),
        ("Giá phân bón tăng", "gia-phan-bon-tang"),
    ]
    for marked, slug in cases:
        with_marks = lex.concepts(marked, "vi")
        assert with_marks
        assert with_marks <= lex.concepts(slug.replace("-", " "), "vi-ascii"), slug
        assert with_marks <= lex.concepts(slug.replace("-", " "), "vi"), slug  # ascii: folded


FUNCTION_WORDS_FR = "de la le les et à des du un une en dans pour par sur avec qui que est au aux"
FUNCTION_WORDS_VI = "của và là được các những có trong cho với này đó không đã sẽ cũng để từ về tại"


def test_function_words_never_become_concepts() -> None:
    lex = default_lexicon()
    for word in FUNCTION_WORDS_FR.split():
        assert (word,) not in lex.fr or word in {"un", "une"}, word  # numbers are curated
        assert not lex.concepts(word, "fr") or word in {"un", "une"}, word
    for word in FUNCTION_WORDS_VI.split():
        assert tuple(vi_tokens(word)) not in lex.vi, word
    # no learned term starts or ends with a function word on either side
    text = files("aligner").joinpath("data/lexicon_fr_vi_learned.tsv").read_text(encoding="utf-8")
    fr_stop, vi_stop = set(FUNCTION_WORDS_FR.split()), set(FUNCTION_WORDS_VI.split())
    for fr_terms, vi_terms in parse_tsv(text):
        for term in fr_terms:
            tokens = fr_tokens(term)
            assert tokens[0] not in fr_stop, term
            assert tokens[-1] not in fr_stop, term
        for term in vi_terms:
            tokens = vi_tokens(term)
            assert tokens[0] not in vi_stop, term
            assert tokens[-1] not in vi_stop, term


def test_default_lexicon_includes_learned_entries() -> None:
    data = files("aligner").joinpath("data")
    curated = parse_tsv(data.joinpath("lexicon_fr_vi.tsv").read_text(encoding="utf-8"))
    learned = parse_tsv(data.joinpath("lexicon_fr_vi_learned.tsv").read_text(encoding="utf-8"))
    assert len(learned) >= 100
    lex = default_lexicon()
    assert len(lex.labels) > len(curated)
    # learned concepts come after the curated ones and match like them
    assert lex.concepts("la bibliothèque", "fr") & lex.concepts("thư viện", "vi")
    assert min(lex.concepts("la bibliothèque", "fr")) >= len(curated)


def test_curated_term_wins_over_learned() -> None:
    curated = [(["riz"], ["gạo", "lúa"])]
    learned = [(["riz", "céréale"], ["ngũ cốc"]), (["grain"], ["gạo"]), (["neige"], ["tuyết"])]
    entries = merge(curated, learned)
    assert [list(fr) for fr, _ in entries] == [["riz"], ["neige"]]
    lex = build(entries)
    assert lex.concepts("du riz", "fr") == {0}
    assert lex.concepts("tuyết", "vi") == {1}
