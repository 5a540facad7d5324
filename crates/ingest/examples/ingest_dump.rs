//! Prints the articles ingest makes of the given paths, as JSON (a debugging aid).
fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    for input in storyline_ingest::read_inputs(&paths) {
        match input {
            Err(e) => eprintln!("{e}"),
            Ok(i) => {
                let parsed = storyline_ingest::parse(&i);
                for w in parsed.warnings {
                    eprintln!("{}: warning: {w}", i.name);
                }
                for r in parsed.records {
                    match r {
                        Ok(a) => println!("{}", serde_json::to_string_pretty(&a).unwrap()),
                        Err(e) => eprintln!("{e}"),
                    }
                }
            }
        }
    }
}
