//! The only place that talks to the Tauri shell. `call::<C>(&args)` is typed by the
//! contract in `sharehub_core::ipc`, so the UI and the shell cannot disagree on shapes.

use serde::Serialize;
use sharehub_core::ipc::{Command, IpcError};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

#[derive(Serialize)]
struct Envelope<'a, A> {
    args: &'a A,
}

/// Calls the shell's command `C::NAME` with `args`.
pub async fn call<C: Command>(args: &C::Args) -> Result<C::Output, IpcError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let js_args = Envelope { args }
        .serialize(&serializer)
        .map_err(|e| IpcError::Internal {
            detail: format!("could not encode {}: {e}", C::NAME),
        })?;
    match tauri_invoke(C::NAME, js_args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| IpcError::Internal {
            detail: format!("unexpected answer from {}: {e}", C::NAME),
        }),
        Err(error) => Err(decode_error(C::NAME, error)),
    }
}

/// A rejected invoke carries our tagged `IpcError`; anything else (Tauri refusing the
/// call, a missing permission) becomes `Internal` with its text.
fn decode_error(name: &str, error: JsValue) -> IpcError {
    if let Ok(ipc_error) = serde_wasm_bindgen::from_value::<IpcError>(error.clone()) {
        return ipc_error;
    }
    let text = error
        .as_string()
        .or_else(|| js_sys::JSON::stringify(&error).ok().map(String::from))
        .unwrap_or_else(|| "no details".to_owned());
    IpcError::Internal {
        detail: format!("{name}: {text}"),
    }
}
