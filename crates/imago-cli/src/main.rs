//! The `imago` command (being written).
fn main() {
    eprintln!("imago: not built yet");
    std::process::exit(2);
}
