//! Bahasa Indonesia for the hints zxcvbn gives in English.

use zxcvbn::feedback::{Suggestion, Warning};

/// Indonesian text for zxcvbn's English hints, matched on zxcvbn's own wording so a
/// changed upstream text falls back to no hint rather than a wrong one.
pub(super) fn hint_id(hint_en: &str) -> Option<&'static str> {
    const WARNINGS: &[(Warning, &str)] = &[
        (
            Warning::StraightRowsOfKeysAreEasyToGuess,
            "Deretan tombol keyboard yang lurus mudah ditebak.",
        ),
        (
            Warning::ShortKeyboardPatternsAreEasyToGuess,
            "Pola keyboard yang pendek mudah ditebak.",
        ),
        (
            Warning::RepeatsLikeAaaAreEasyToGuess,
            "Pengulangan seperti \"aaa\" mudah ditebak.",
        ),
        (
            Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            "Pengulangan seperti \"abcabcabc\" hanya sedikit lebih sulit ditebak daripada \"abc\".",
        ),
        (
            Warning::ThisIsATop10Password,
            "Ini termasuk 10 kata sandi paling umum.",
        ),
        (
            Warning::ThisIsATop100Password,
            "Ini termasuk 100 kata sandi paling umum.",
        ),
        (
            Warning::ThisIsACommonPassword,
            "Ini kata sandi yang sangat umum.",
        ),
        (
            Warning::ThisIsSimilarToACommonlyUsedPassword,
            "Ini mirip dengan kata sandi yang umum dipakai.",
        ),
        (
            Warning::SequencesLikeAbcAreEasyToGuess,
            "Urutan seperti abc atau 6543 mudah ditebak.",
        ),
        (
            Warning::RecentYearsAreEasyToGuess,
            "Tahun-tahun terakhir mudah ditebak.",
        ),
        (
            Warning::AWordByItselfIsEasyToGuess,
            "Satu kata saja mudah ditebak.",
        ),
        (
            Warning::DatesAreOftenEasyToGuess,
            "Tanggal biasanya mudah ditebak.",
        ),
        (
            Warning::NamesAndSurnamesByThemselvesAreEasyToGuess,
            "Nama depan atau nama keluarga saja mudah ditebak.",
        ),
        (
            Warning::CommonNamesAndSurnamesAreEasyToGuess,
            "Nama depan dan nama keluarga yang umum mudah ditebak.",
        ),
    ];
    const SUGGESTIONS: &[(Suggestion, &str)] = &[
        (
            Suggestion::UseAFewWordsAvoidCommonPhrases,
            "Gunakan beberapa kata, hindari ungkapan umum.",
        ),
        (
            Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters,
            "Tidak perlu simbol, angka, atau huruf kapital.",
        ),
        (
            Suggestion::AddAnotherWordOrTwo,
            "Tambahkan satu atau dua kata lagi. Kata yang jarang dipakai lebih baik.",
        ),
        (
            Suggestion::CapitalizationDoesntHelpVeryMuch,
            "Huruf kapital tidak banyak membantu.",
        ),
        (
            Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
            "Semua huruf kapital hampir sama mudah ditebaknya dengan semua huruf kecil.",
        ),
        (
            Suggestion::ReversedWordsArentMuchHarderToGuess,
            "Kata yang dibalik tidak jauh lebih sulit ditebak.",
        ),
        (
            Suggestion::PredictableSubstitutionsDontHelpVeryMuch,
            "Penggantian yang mudah diduga seperti '@' untuk 'a' tidak banyak membantu.",
        ),
        (
            Suggestion::UseALongerKeyboardPatternWithMoreTurns,
            "Gunakan pola keyboard yang lebih panjang dengan lebih banyak belokan.",
        ),
        (
            Suggestion::AvoidRepeatedWordsAndCharacters,
            "Hindari kata dan karakter yang berulang.",
        ),
        (Suggestion::AvoidSequences, "Hindari urutan."),
        (
            Suggestion::AvoidRecentYears,
            "Hindari tahun-tahun terakhir.",
        ),
        (
            Suggestion::AvoidYearsThatAreAssociatedWithYou,
            "Hindari tahun yang berkaitan dengan Anda.",
        ),
        (
            Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou,
            "Hindari tanggal dan tahun yang berkaitan dengan Anda.",
        ),
    ];
    WARNINGS
        .iter()
        .find(|(w, _)| w.to_string() == hint_en)
        .map(|(_, id)| *id)
        .or_else(|| {
            SUGGESTIONS
                .iter()
                .find(|(s, _)| s.to_string() == hint_en)
                .map(|(_, id)| *id)
        })
}
