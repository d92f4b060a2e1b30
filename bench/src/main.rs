//! `cargo xtask bench` runs this for the call and decode figures of the SDK against bare reqwest and `serde_json::Value`;
//! `bench/peers` adds async-openai. See `src/lib.rs` for how the rounds run.

fn main() {
    if let Err(error) = sdk_bench::main_with(sdk_bench::ours::callers, sdk_bench::ours::decoders()) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
