"""Revised Romanization of Korean (문화체육관광부 고시 제2000-8호) for place names.

Covers what Seoul's gu and 행정동 names need: syllable decomposition, linking of a final
consonant to a following vowel, the consonant assimilations the system writes
(nasalisation, ㄹ → ㄴ, ㄴ + ㄹ → ll), palatalisation of ㄷ/ㅌ before 이, and the rule that
administrative units (구, 동, 가) are joined with a hyphen and no sound change across it.
Tensing is not written (압구정 → Apgujeong), and ㅎ after ㄱ/ㄷ/ㅂ in nouns keeps its letter
(묵호 → Mukho), both as the system prescribes.
"""

from __future__ import annotations

import re

_ONSETS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_VOWELS = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo",
    "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
]
# Final consonants by index (0 = none), as compatibility jamo names.
_FINALS = [
    "", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ",
    "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ",
]
_ONSET_JAMO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"

# How a final sounds before a consonant or at the end of a word (its "representative" sound).
_FINAL_SOUND = {
    "": "", "ㄱ": "k", "ㄲ": "k", "ㄳ": "k", "ㄺ": "k", "ㅋ": "k",
    "ㄴ": "n", "ㄵ": "n", "ㄶ": "n",
    "ㄷ": "t", "ㅅ": "t", "ㅆ": "t", "ㅈ": "t", "ㅊ": "t", "ㅌ": "t", "ㅎ": "t",
    "ㄹ": "l", "ㄼ": "l", "ㄽ": "l", "ㄾ": "l", "ㅀ": "l",
    "ㅁ": "m", "ㄻ": "m",
    "ㅂ": "p", "ㅄ": "p", "ㄿ": "p", "ㅍ": "p",
    "ㅇ": "ng",
}
# A final carried over to a following vowel (linking, 연음): (what stays, what moves).
_LINKED = {
    "ㄱ": ("", "g"), "ㄲ": ("", "kk"), "ㅋ": ("", "k"), "ㄳ": ("k", "s"), "ㄺ": ("l", "g"),
    "ㄴ": ("", "n"), "ㄵ": ("n", "j"), "ㄶ": ("", "n"),
    "ㄷ": ("", "d"), "ㅅ": ("", "s"), "ㅆ": ("", "ss"), "ㅈ": ("", "j"), "ㅊ": ("", "ch"),
    "ㅌ": ("", "t"), "ㅎ": ("", ""),
    "ㄹ": ("", "r"), "ㄼ": ("l", "b"), "ㄽ": ("l", "s"), "ㄾ": ("l", "t"), "ㅀ": ("", "r"),
    "ㅁ": ("", "m"), "ㄻ": ("l", "m"),
    "ㅂ": ("", "b"), "ㅄ": ("p", "s"), "ㄿ": ("l", "p"), "ㅍ": ("", "p"),
    "ㅇ": ("ng", ""),
}
_NASAL_OF = {"k": "ng", "t": "n", "p": "m"}


def _decompose(syllable: str) -> tuple[str, int, str]:
    index = ord(syllable) - 0xAC00
    if not 0 <= index < 11172:
        raise ValueError(f"not a Hangul syllable: {syllable!r}")
    return _ONSET_JAMO[index // 588], (index % 588) // 28, _FINALS[index % 28]


def romanize_word(word: str) -> str:
    """Romanizes one Hangul word (no spaces), lower case, applying sound changes inside it."""
    syllables = [_decompose(ch) for ch in word]
    out: list[str] = []
    for i, (onset, vowel, final) in enumerate(syllables):
        # The onset, as changed by the previous syllable's final.
        onset_text = _ONSETS[_ONSET_JAMO.index(onset)]
        if i > 0:
            prev_final = syllables[i - 1][2]
            prev_sound = _FINAL_SOUND[prev_final]
            if onset == "ㅇ" and prev_final and prev_final != "ㅇ":
                onset_text = _LINKED[prev_final][1]
                # Palatalisation: 굳이 → guji, 같이 → gachi.
                if vowel == 20 and prev_final in ("ㄷ", "ㅌ", "ㄾ"):
                    onset_text = "j" if prev_final == "ㄷ" else "ch"
            elif onset == "ㄹ":
                if prev_sound in ("l", "n"):
                    onset_text = "l"  # 신라 Silla, 별래 byeollae
                elif prev_sound:
                    onset_text = "n"  # 종로 Jongno, 십리 simni
            elif onset == "ㄴ" and prev_sound == "l":
                onset_text = "l"  # 별내 Byeollae
            elif onset == "ㅎ" and prev_final in ("ㅎ", "ㄶ", "ㅀ"):
                onset_text = "h"
            elif prev_final in ("ㅎ", "ㄶ", "ㅀ") and onset in ("ㄱ", "ㄷ", "ㅈ"):
                onset_text = {"ㄱ": "k", "ㄷ": "t", "ㅈ": "ch"}[onset]  # 놓고 noko
        text = onset_text if i > 0 or onset != "ㄹ" else "r"
        text += _VOWELS[vowel]
        # The final, as changed by the next syllable's onset.
        if final:
            sound = _FINAL_SOUND[final]
            if i + 1 < len(syllables):
                next_onset = syllables[i + 1][0]
                if next_onset == "ㅇ":
                    sound = _LINKED[final][0]
                elif final in ("ㅎ", "ㄶ", "ㅀ") and next_onset in ("ㄱ", "ㄷ", "ㅈ", "ㅎ"):
                    sound = {"ㅎ": "", "ㄶ": "n", "ㅀ": "l"}[final]  # aspiration absorbs ㅎ
                elif next_onset in ("ㄴ", "ㅁ") and sound in _NASAL_OF:
                    sound = _NASAL_OF[sound]  # 백마 Baengma, 신문로 Sinmunno
                elif next_onset == "ㄹ":
                    if sound in _NASAL_OF:
                        sound = _NASAL_OF[sound]  # 독립 Dongnip
                    elif sound == "n":
                        sound = "l"  # 신림 Sillim
                elif next_onset == "ㄴ" and sound == "l":
                    sound = "l"
            text += sound
        out.append(text)
    return "".join(out)


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


_NUMBERS = r"\d+(?:·\d+)*"
_DONG = re.compile(
    rf"^(?P<base>[가-힣]+?)(?:(?P<num>{_NUMBERS})(?:(?P<ga>가)(?P<num2>\d+)?)?)?동$"
)


def romanize_gu(name: str) -> str:
    """서대문구 → Seodaemun-gu, 중구 → Jung-gu."""
    if not name.endswith("구") or len(name) < 2:
        raise ValueError(f"not a gu name: {name!r}")
    return capitalize(romanize_word(name[:-1])) + "-gu"


def romanize_dong(name: str) -> str:
    """망원1동 → Mangwon 1-dong, 성수2가3동 → Seongsu 2-ga 3-dong, 잠실본동 → Jamsilbon-dong."""
    match = _DONG.match(name)
    if not match:
        raise ValueError(f"not a dong name: {name!r}")
    base = capitalize(romanize_word(match["base"]))
    if match["num"] is None:
        return f"{base}-dong"
    if match["ga"] is None:
        return f"{base} {match['num']}-dong"
    if match["num2"] is None:
        return f"{base} {match['num']}-ga-dong"
    return f"{base} {match['num']}-ga {match['num2']}-dong"


# Examples from the Revised Romanization notice and Seoul's own signs; run as a self-test by
# build.py so a change to the rules cannot silently alter names.
EXAMPLES = {
    "마포구": "Mapo-gu",
    "중구": "Jung-gu",
    "영등포구": "Yeongdeungpo-gu",
    "관악구": "Gwanak-gu",
    "망원1동": "Mangwon 1-dong",
    "신림동": "Sillim-dong",
    "공릉1동": "Gongneung 1-dong",
    "답십리2동": "Dapsimni 2-dong",
    "청량리동": "Cheongnyangni-dong",
    "왕십리도선동": "Wangsimnidoseon-dong",
    "한강로동": "Hangangno-dong",
    "을지로동": "Euljiro-dong",
    "문래동": "Mullae-dong",
    "일원본동": "Irwonbon-dong",
    "북아현동": "Bugahyeon-dong",
    "압구정동": "Apgujeong-dong",
    "종로1·2·3·4가동": "Jongno 1·2·3·4-ga-dong",
    "성수2가3동": "Seongsu 2-ga 3-dong",
    "용산2가동": "Yongsan 2-ga-dong",
    "명동": "Myeong-dong",
    "길음1동": "Gireum 1-dong",
    "갈현1동": "Galhyeon 1-dong",
    "중랑구": "Jungnang-gu",
    "광희동": "Gwanghui-dong",
}


def self_test() -> None:
    for korean, expected in EXAMPLES.items():
        got = romanize_gu(korean) if korean.endswith("구") else romanize_dong(korean)
        if got != expected:
            raise AssertionError(f"romanize({korean}) = {got}, expected {expected}")


if __name__ == "__main__":
    self_test()
    print("romanization examples OK")
