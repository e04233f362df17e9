//! Language variants (SPEC §7.1) through the real binary.

mod common;

use common::*;

fn library() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "support/hours.md", "---\ntitle: Business hours\nshortcut: hours\ncategory: support\ntags: [hours]\nsubject: Our hours\n---\nHi {{ contact.first_name }}, we are open 9 to 5.\n");
    write(root, "support/hours.pt-BR.md", "---\ntitle: Horário de atendimento\n---\nOlá {{ contact.first_name }}, atendemos das 9 às 17.\n");
    write(root, "support/hours.de.md", "---\ntitle: Öffnungszeiten\nsubject: Unsere Zeiten\n---\nHallo, wir sind von 9 bis 17 Uhr da.\n");
    tmp
}

#[test]
fn variants_belong_to_their_base_and_inherit_its_fields() {
    let lib = library();
    let (status, doc) = check_json(lib.path());
    assert_eq!(doc["summary"]["files"], 3);
    assert_eq!(doc["summary"]["responses"], 1);
    // The German variant leaves out the base's placeholder: a warning only.
    assert_eq!(
        codes(&doc),
        [(
            "support/hours.de.md".to_string(),
            "variant-placeholders".to_string()
        )]
    );
    assert_eq!(status, 0);
    let out = run(cannery(lib.path()).args(["list", "--json"]));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let variants = &list[0]["variants"];
    assert_eq!(
        variants.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["de", "pt-BR"]
    );
    assert_eq!(variants["pt-BR"]["title"], "Horário de atendimento");
    assert_eq!(
        variants["pt-BR"]["subject"], "Our hours",
        "inherited from the base"
    );
    assert_eq!(variants["de"]["subject"], "Unsere Zeiten");
    assert_eq!(variants["pt-BR"]["path"], "support/hours.pt-BR.md");
    assert_eq!(
        variants["pt-BR"]["text"],
        "Olá {{ contact.first_name }}, atendemos das 9 às 17."
    );
}

#[test]
fn show_falls_back_from_region_to_language_to_base() {
    let lib = library();
    let text = |locale: &str| {
        let out = run(cannery(lib.path()).args([
            "show",
            "support/hours",
            "--format",
            "text",
            "--set",
            "contact.first_name=Ana",
            "--locale",
            locale,
        ]));
        stdout(&out)
    };
    assert_eq!(text("pt-BR"), "Olá Ana, atendemos das 9 às 17.\n");
    assert_eq!(text("PT-br"), "Olá Ana, atendemos das 9 às 17.\n");
    assert_eq!(text("de-AT"), "Hallo, wir sind von 9 bis 17 Uhr da.\n");
    assert_eq!(text("fr"), "Hi Ana, we are open 9 to 5.\n");
}

#[test]
fn the_three_variant_problems() {
    let lib = library();
    write(
        lib.path(),
        "support/refund.fr.md",
        "---\ntitle: Remboursement\n---\nBonjour\n",
    );
    write(
        lib.path(),
        "support/hours.pt_PT.md",
        "---\ntitle: Horário\n---\nOlá\n",
    );
    write(
        lib.path(),
        "support/hours.es.md",
        "---\ntitle: Horario\nshortcut: horas\n---\nHola {{ contact.first_name }}\n",
    );
    let (status, doc) = check_json(lib.path());
    let found = codes(&doc);
    for (file, code) in [
        ("support/refund.fr.md", "variant-without-base"),
        ("support/hours.pt_PT.md", "invalid-locale"),
        ("support/hours.es.md", "variant-field"),
        ("support/hours.de.md", "variant-placeholders"),
    ] {
        assert!(
            found.contains(&(file.to_string(), code.to_string())),
            "{file} {code}: {found:?}"
        );
    }
    assert_eq!(status, 1);
    // The base and its good variants are still served.
    let out = run(cannery(lib.path()).args(["list", "--json"]));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["variants"].as_object().unwrap().len(), 2);
}
