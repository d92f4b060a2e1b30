//! Runs a grader on one model answer before using it in a reinforcement job: a string check
//! that passes when the answer is exactly the reference.
//!
//! ```text
//! OPENAI_API_KEY=sk-... cargo run -p examples --bin grader
//! ```

use openai_fine_tuning::Client;
use openai_fine_tuning::types::{GraderStringCheck, GraderStringCheckOperation, RunGraderRequest, ValidateGraderRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let graders = client.fine_tuning().alpha().graders();

    let exact = GraderStringCheck::new("exact answer", "{{sample.output_text}}", "{{item.answer}}", GraderStringCheckOperation::Eq);
    let validated = graders.validate(&ValidateGraderRequest::new(exact.clone())).await?;
    println!("the grader is valid: {}", validated.grader.is_some());

    let run = RunGraderRequest { item: Some(serde_json::json!({ "answer": "Paris" })), ..RunGraderRequest::new(exact, "Paris") };
    let result = graders.run(&run).await?;
    println!("reward {} from the {} grader in {:.3} s", result.reward, result.metadata.r#type, result.metadata.execution_time);
    Ok(())
}
