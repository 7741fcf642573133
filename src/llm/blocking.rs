//! The client for synchronous callers (the coaches, the CLI): a current-thread tokio runtime of
//! its own plus the async [`Client`]. Must not be called from inside another tokio runtime.

use super::{Cancel, ChatRequest, Client, ClientConfig, Completion, LlmError};

#[derive(Debug)]
pub struct BlockingClient {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl BlockingClient {
    pub fn new(cfg: ClientConfig) -> Result<BlockingClient, LlmError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LlmError::Config(format!("cannot start the HTTP runtime: {e}")))?;
        let client = {
            let _inside = runtime.enter();
            Client::new(cfg)?
        };
        Ok(BlockingClient { runtime, client })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn complete(&self, req: &ChatRequest, cancel: &Cancel) -> Result<Completion, LlmError> {
        self.runtime.block_on(self.client.complete(req, cancel))
    }

    /// As [`Client::stream`]. The sink need not be `Send`: it runs on the calling thread, so a
    /// coach can pass its own sink straight through.
    pub fn stream(
        &self,
        req: &ChatRequest,
        on_delta: &mut dyn FnMut(&str) -> bool,
        cancel: &Cancel,
    ) -> Result<Completion, LlmError> {
        self.runtime
            .block_on(self.client.stream_to(req, on_delta, cancel))
    }

    pub fn models(&self) -> Result<Vec<String>, LlmError> {
        self.runtime.block_on(self.client.models())
    }
}
