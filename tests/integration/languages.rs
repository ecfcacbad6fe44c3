//! Other languages: Cyrillic with inflection and ё/е, CJK without spaces, and German and
//! Russian attributions.

use crate::util::{reprint, write};

fn diff_json(a: &str, b: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let pa = write(dir.path(), "a.txt", a.as_bytes());
    let pb = write(dir.path(), "b.txt", b.as_bytes());
    let out = reprint()
        .args(["diff", "--format", "json"])
        .arg(&pa)
        .arg(&pb)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
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
