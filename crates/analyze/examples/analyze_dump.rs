//! Debug helper: `cargo run -p storyline-analyze --example analyze_dump -- FILE [YYYY-MM-DD]` prints the analysis.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("FILE");
    let text = std::fs::read_to_string(path).expect("read");
    let published = args.next().map(|d| d.parse().expect("date"));
    let a = storyline_analyze::analyze(&text, published);
    let sl = |s: usize, e: usize| storyline_model::offsets::slice(&text, s, e).to_string();
    for (i, s) in a.sentences.iter().enumerate() {
        println!("S{i}: {}", sl(s.start, s.end));
    }
    for e in &a.entities {
        println!("E {:?} {:?} -> {:?}", e.kind, e.text, e.canonical);
    }
    for t in &a.times {
        println!("T {:?} {:?} = {:?}", t.kind, t.text, t.value);
    }
    for q in &a.quotes {
        println!(
            "Q {:?} {:?} cue={:?} speaker={:?}",
            q.kind,
            sl(q.content.start, q.content.end),
            q.cue.as_ref().map(|c| &c.text),
            q.speaker.as_ref().map(|s| (&s.text, &s.canonical))
        );
    }
    for e in &a.events {
        println!(
            "V {} {:?} actor={:?} target={:?} date={:?} place={:?} s={}",
            e.kind,
            e.trigger.as_ref().map(|t| &t.text),
            e.actor,
            e.target,
            e.date,
            e.place,
            e.sentence
        );
    }
}
