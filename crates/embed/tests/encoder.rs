//! Behaviour of the shipped encoder on invented sentences.

use std::time::{Duration, Instant};

use storyline_embed::{cosine, Encoder};

#[test]
fn shipped_table_loads_with_its_dim() {
    let e = Encoder::shipped();
    assert_eq!(e.dim(), 256);
    assert!(std::ptr::eq(e, Encoder::shipped()), "parsed once");
    let v = e.embed("The council approved the budget on Tuesday.");
    assert_eq!(v.len(), 256);
    let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
}

#[test]
fn paraphrase_beats_unrelated() {
    let e = Encoder::shipped();
    let a = e.embed("The ferry sank near the island after hitting a rock");
    let b = e.embed("A passenger boat went down off the island when it struck rocks");
    let c = e.embed("The central bank raised interest rates to curb inflation");
    let d = e.embed("Shares in the software maker fell sharply after weak quarterly sales");
    let para = cosine(&a, &b);
    assert!(para > cosine(&a, &c), "paraphrase {para} vs unrelated {}", cosine(&a, &c));
    assert!(para > cosine(&a, &d), "paraphrase {para} vs unrelated {}", cosine(&a, &d));
    assert!(cosine(&a, &a) > 0.999);
}

#[test]
fn embed_into_matches_embed() {
    let e = Encoder::shipped();
    let text = "Rescuers pulled 12 survivors from the collapsed school";
    let mut buf = vec![7.0; e.dim()];
    e.embed_into(text, &mut buf);
    assert_eq!(buf, e.embed(text));
}

#[test]
fn empty_and_unknown_text_give_zero_vectors() {
    let e = Encoder::shipped();
    for t in ["", "   \n\t ", "\u{0}\u{7}\u{200B}", &"q".repeat(300)] {
        let v = e.embed(t);
        assert_eq!(v.len(), e.dim());
        assert!(v.iter().all(|&x| x == 0.0), "{t:?} should embed to zeros");
    }
    assert_eq!(cosine(&e.embed(""), &e.embed("a storm hit the coast")), 0.0);
}

#[test]
fn accents_and_case_are_folded() {
    let e = Encoder::shipped();
    let a = e.embed("The CAFÉ in Zürich reopened");
    let b = e.embed("the cafe in zurich reopened");
    assert!(cosine(&a, &b) > 0.999, "{}", cosine(&a, &b));
}

#[test]
fn hostile_input_is_bounded() {
    let e = Encoder::shipped();
    let t0 = Instant::now();
    let one_letter = "a".repeat(1 << 20);
    let v = e.embed(&one_letter);
    assert!(v.iter().all(|x| x.is_finite()));
    let mut mixed = String::new();
    for i in 0..20_000u32 {
        mixed.push(char::from_u32(i % 32).unwrap());
        mixed.push_str("🚢🔥 ");
        mixed.push('\u{301}');
        mixed.push_str("ab\u{200D}cd ");
        mixed.push(char::from_u32(0x4E00 + i % 500).unwrap());
        mixed.push('\u{FFFD}');
    }
    let v = e.embed(&mixed);
    assert!(v.iter().all(|x| x.is_finite()));
    // Long words of real pieces: the greedy search is bounded by the longest piece.
    let pieces = "unbelievable".repeat(8) + " " + &"x".repeat(99) + " " + &"é".repeat(150);
    let v = e.embed(&pieces.repeat(2_000));
    assert!(v.iter().all(|x| x.is_finite()));
    assert!(t0.elapsed() < Duration::from_secs(30), "took {:?}", t0.elapsed());
}

#[test]
fn bad_tables_are_refused() {
    assert!(Encoder::from_bytes(&b""[..]).is_err());
    assert!(Encoder::from_bytes(&b"SLEMBED\0garbagegarbagegarbagegarbage"[..]).is_err());
    let mut t = b"SLEMBED\0".to_vec();
    for x in [1u32, 2, 2, 0, 4] {
        t.extend_from_slice(&x.to_le_bytes());
    }
    t.extend_from_slice(b"a\nb\n");
    t.extend_from_slice(&1.0f32.to_le_bytes());
    t.extend_from_slice(&0.5f32.to_le_bytes());
    t.extend_from_slice(&[127, 0, 0, 127]);
    let e = Encoder::from_bytes(t.clone()).expect("a 2 x 2 table");
    assert_eq!(e.dim(), 2);
    assert_eq!(e.embed("a"), vec![1.0, 0.0]);
    assert_eq!(e.embed("b B"), vec![0.0, 1.0]);
    t.pop();
    assert!(Encoder::from_bytes(t).is_err());
}
