//! Steps a person takes in the app, shared by the end-to-end tests: click, type, read a
//! text or attribute, sign in through the account page.

use anyhow::{Context, Result};

use crate::App;

impl App {
    /// The page's and the window's width once the webview has taken a phone's width: call
    /// it after `set_window_size(390, …)` (the webview resizes a moment after the window).
    pub async fn phone_widths(&self) -> Result<(u64, u64)> {
        self.until("the window shrinks to a phone's width", || async {
            let widths = self
                .js("return [document.documentElement.scrollWidth, window.innerWidth]")
                .await?;
            let (scroll, inner) = (
                widths[0].as_u64().context("scrollWidth")?,
                widths[1].as_u64().context("innerWidth")?,
            );
            Ok((inner <= 400).then_some((scroll, inner)))
        })
        .await
    }

    /// Clicks `css`; an element re-rendered between finding and clicking is found again.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.until(&format!("{css} is clicked"), async || {
            self.wait_for(css).await?.click().await?;
            Ok(Some(()))
        })
        .await
    }

    /// Types `text` into the field at `css` (after what it holds).
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        self.wait_for(css).await?.send_keys(text).await?;
        Ok(())
    }

    /// The text of the element at `css`, `None` while there is none or it is hidden.
    pub async fn text_of(&self, css: &str) -> Result<Option<String>> {
        let value = self
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); \
                 return e && !e.hidden ? e.innerText : null;",
                vec![css.into()],
            )
            .await?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// The attribute `attr` of the element at `css`, `None` while there is none.
    pub async fn attr_of(&self, css: &str, attr: &str) -> Result<Option<String>> {
        let value = self
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); \
                 return e ? e.getAttribute(arguments[1]) : null;",
                vec![css.into(), attr.into()],
            )
            .await?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Opens the account page and signs in with `login` and `password` (without waiting
    /// for the answer: a test waits for what it expects, signed in or an error).
    pub async fn sign_in(&self, login: &str, password: &str) -> Result<()> {
        self.click("[data-test=account-link]").await?;
        self.type_into("[data-test=login-input]", login).await?;
        self.type_into("[data-test=password-input]", password)
            .await?;
        self.click("[data-test=sign-in-button]").await
    }
}
