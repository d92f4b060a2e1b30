//! Empty on purpose: `cargo xtask bench --peers --builds` builds this library to compile async-openai with the features
//! it is measured with (`--features full`, or none beyond `finetuning`), without linking a binary.
