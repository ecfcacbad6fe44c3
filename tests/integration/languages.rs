//! Other languages: Cyrillic with inflection and ё/е, accents a feed dropped, Arabic harakat,
//! CJK and Thai without spaces, German and Russian attributions, and legacy encodings.

use crate::util::{reprint, scan_json, write};

fn diff_json(a: &str, b: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let pa = write(dir.path(), "a.txt", a.as_bytes());
    let pb = write(dir.path(), "b.txt", b.as_bytes());
    diff_files(&pa, &pb).0
}

/// `reprint diff --format json` of two files: its output, and what it wrote to standard error.
fn diff_files(a: &std::path::Path, b: &std::path::Path) -> (serde_json::Value, String) {
    let out = reprint()
        .args(["diff", "--format", "json"])
        .arg(a)
        .arg(b)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

#[test]
fn russian_reworded_quote() {
    let v = diff_json(
        "Москва, 4 марта. Президент России Владимир Путин заявил, что Россия никогда не выдает своих граждан никому, так же как и Соединенные Штаты. Он также добавил другое.",
        "В воскресенье вышло интервью. По словам президента, Россия никогда не выдаёт своих граждан никому, точно так же как и Соединенные Штаты, сказал Путин.",
    );
    let p = &v["passages"][0];
    assert_eq!(p["kind"], "reworded");
    assert!(p["a_text"].as_str().unwrap().starts_with("Россия никогда"));
    assert!(p["a_text"].as_str().unwrap().ends_with("Соединенные Штаты"));
    assert_eq!(p["inserted"], 1);
}

#[test]
fn a_quote_that_differs_in_e_and_yo_is_found_and_attributed() {
    // Every 4-gram of the quote holds a word spelled with ё on one side and е on the other, or
    // a changed word: only a normalisation that folds ё finds it.
    let v = diff_json(
        "Выступая в Кремле, Путин заявил: «Россия никогда не выдаёт своих граждан иностранным государствам, так же как и Соединённые Штаты». Он добавил, что готов рассмотреть доказательства.",
        "По словам президента, «Россия никогда не выдает своих граждан другим государствам, точно так же как Соединенные Штаты», сообщает агентство. Ранее МИД опроверг эти сведения.",
    );
    let p = &v["passages"][0];
    assert_eq!(p["kind"], "reworded");
    assert_eq!(p["quote"], true);
    assert_eq!(p["speaker"], "Путин");
    assert_eq!(p["substituted"], 1);
    assert!(p["b_text"].as_str().unwrap().ends_with("Соединенные Штаты"));
}

#[test]
fn accents_dropped_by_a_feed_are_the_same_words() {
    let v = diff_json(
        "Em nota, o governo informou que a reforma da previdência será votada até o fim do ano em São Paulo, segundo a assessoria.",
        "Segundo a agencia, a reforma da previdencia sera votada ate o fim do ano em Sao Paulo, disse o ministro.",
    );
    let p = &v["passages"][0];
    assert_eq!(p["kind"], "verbatim");
    assert_eq!(
        p["a_text"],
        "a reforma da previdência será votada até o fim do ano em São Paulo"
    );
    assert_eq!(
        p["b_text"],
        "a reforma da previdencia sera votada ate o fim do ano em Sao Paulo"
    );
}

#[test]
fn arabic_with_and_without_harakat_is_the_same_quote() {
    // One side writes a short vowel, the other a hamza on alef, in the same quotation.
    let v = diff_json(
        "قال الرئيس في مؤتمر صحفي: \"لن نسمح لأي دولة بأن تملي علينا سياستنا الخارجية مهما كانت الظروف\"، وفق ما نقلته الوكالة.",
        "وأكد الرئيس أنه \"لن نسمح لاي دولة بأن تُملي علينا سياستنا الخارجية مهما كانت الظروف\" بحسب مصادر رسمية.",
    );
    let p = &v["passages"][0];
    assert_eq!(p["kind"], "verbatim");
    assert_eq!(p["matched"], 12);
    assert!(p["b_text"].as_str().unwrap().contains("تُملي"));
}

#[test]
fn chinese_verbatim_quote() {
    let v = diff_json(
        "新华社北京三月四日电 俄罗斯总统普京在接受美国全国广播公司采访时表示，俄罗斯从不向任何国家引渡本国公民，美国也是如此。",
        "据报道，普京周日称，俄罗斯从不向任何国家引渡本国公民，就像美国一样。",
    );
    let p = &v["passages"][0];
    assert_eq!(p["kind"], "verbatim");
    assert_eq!(p["a_text"], "俄罗斯从不向任何国家引渡本国公民");
}

#[test]
fn short_phrases_of_unspaced_scripts_are_not_passages() {
    // Each pair shares a quotation, and also a name with its title, or a place: in English five
    // or six words of news language ("Russian foreign ministry spokeswoman Zakharova", "to
    // reporters at the Kremlin"), not reuse. Counted a word a character they were passages of
    // their own.
    for (a, b, quote) in [
        (
            "新华社莫斯科3月10日电 俄罗斯总统普京周六在接受美国媒体采访时表示，俄罗斯政府与美国大选期间的干预行为没有任何关系。普京说：“我知道他们并不代表俄罗斯国家，也不代表俄罗斯政府。他们具体做了什么，我一点也不知道。”分析人士认为，这一表态反映出莫斯科方面希望缓和紧张局势。俄罗斯外交部发言人扎哈罗娃此前也曾发表类似言论。",
            "据俄罗斯卫星通讯社报道，俄罗斯总统普京周六在克里姆林宫会见记者时再次否认了有关指控。对此，普京回应称：“我知道他们并不代表俄罗斯国家，也不代表俄罗斯政府。他们具体做了什么，我一点也不知道。”俄罗斯外交部发言人扎哈罗娃表示，美方的指控毫无根据。",
            "我知道他们并不代表俄罗斯国家，也不代表俄罗斯政府。他们具体做了什么，我一点也不知道",
        ),
        (
            "ประธานาธิบดีวลาดิมีร์ ปูติน ให้สัมภาษณ์กับผู้สื่อข่าวที่เครมลินเมื่อวันเสาร์ว่า \"ผมรู้ว่าพวกเขาไม่ได้เป็นตัวแทนของรัฐรัสเซียหรือรัฐบาลรัสเซีย ผมไม่รู้เลยว่าพวกเขาทำอะไรไปบ้าง\" นักวิเคราะห์มองว่าเป็นการลดความตึงเครียด",
            "สำนักข่าวรายงานว่า ปูตินกล่าวกับผู้สื่อข่าวที่เครมลินว่า \"ผมรู้ว่าพวกเขาไม่ได้เป็นตัวแทนของรัฐรัสเซียหรือรัฐบาลรัสเซีย ผมไม่รู้เลยว่าพวกเขาทำอะไรไปบ้าง\" ขณะที่สหรัฐฯ ยังคงยืนยันข้อกล่าวหา",
            // The passage starts before the mark, with the clause that introduces the quote
            // ("to reporters at the Kremlin [on Saturday] that"): still a quotation.
            "\"ผมรู้ว่าพวกเขาไม่ได้เป็นตัวแทนของรัฐรัสเซียหรือรัฐบาลรัสเซีย ผมไม่รู้เลยว่าพวกเขาทำอะไรไปบ้าง",
        ),
    ] {
        let v = diff_json(a, b);
        let passages = v["passages"].as_array().unwrap();
        assert_eq!(passages.len(), 1, "{passages:#?}");
        assert!(passages[0]["a_text"].as_str().unwrap().ends_with(quote), "{passages:#?}");
        assert_eq!(passages[0]["quote"], true);
    }
}

#[test]
fn german_and_russian_quotes_name_their_speakers() {
    for (a, b, speaker) in [
        (
            "Bundeskanzler Olaf Scholz hat am Mittwoch den Haushalt verteidigt. „Wir werden die Schuldenbremse einhalten und trotzdem in die Zukunft unseres Landes investieren“, sagte Scholz.",
            "Im Bundestag verteidigte der Kanzler den Haushalt. Olaf Scholz sagte: „Wir werden die Schuldenbremse einhalten und dennoch in die Zukunft unseres Landes investieren.“",
            "Scholz",
        ),
        (
            "«Россия никогда не выдает своих граждан никому, так же как и Соединенные Штаты», — заявил Путин журналистам.",
            "Путин сказал: «Россия никогда не выдаёт своих граждан никому, точно так же как и Соединенные Штаты».",
            "Путин",
        ),
    ] {
        let p = &diff_json(a, b)["passages"][0];
        assert_eq!(p["quote"], true);
        assert_eq!(p["speaker"], speaker);
    }
}

#[test]
fn a_copy_in_a_legacy_encoding_is_the_same_text() {
    // An archive's older copy saved as Windows-1252 and the UTF-8 original: read lossily, each
    // accented letter of the copy was U+FFFD, so every word holding one differed.
    let utf8 = "Dans un communiqué publié mardi, le ministère a déclaré que la réforme des \
                retraites serait votée à l'Assemblée avant la fin de l'année, malgré l'opposition.";
    let cp1252: Vec<u8> = utf8
        .chars()
        .map(|c| match c {
            'é' => 0xE9,
            'è' => 0xE8,
            'à' => 0xE0,
            c if c.is_ascii() => c as u8,
            c => panic!("no Windows-1252 byte for {c}"),
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "old.txt", &cp1252);
    let b = write(dir.path(), "new.txt", utf8.as_bytes());
    let (v, stderr) = diff_files(&a, &b);
    assert!(
        stderr.contains("old.txt: not UTF-8, read as windows-1252"),
        "{stderr}"
    );
    let p = &v["passages"][0];
    assert_eq!(p["kind"], "verbatim", "{v:#}");
    assert_eq!(p["a_text"], p["b_text"]);
    assert!(p["a_text"]
        .as_str()
        .unwrap()
        .starts_with("Dans un communiqué publié mardi"));
    // A scan counts the file and says how it was read.
    let v = scan_json(&[dir.path().to_str().unwrap()]);
    let w = &v["stats"]["warnings"];
    assert_eq!(w["invalid_utf8"], 1);
    assert!(
        w["messages"][0]
            .as_str()
            .unwrap()
            .ends_with("old.txt: not UTF-8, read as windows-1252"),
        "{w:#}"
    );
    assert_eq!(v["pairs"][0]["passages"][0]["kind"], "verbatim");
}
