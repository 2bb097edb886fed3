//! The account page: sign in or register against the configured server, sign out, the
//! changes that need attention (retry / edit / discard), and sharing something new.

use leptos::prelude::*;
use sharehub_core::i18n::{self, error_message, Msg};
use sharehub_core::ipc::{
    AccountRegister, AccountSignIn, AccountSignOut, AttentionEditArgs, AttentionEntryArgs,
    AttentionItem, IpcError, NoArgs, RegisterArgs, ResourceCreate, ResourceCreateArgs, SignInArgs,
    SyncAttentionDiscard, SyncAttentionEdit, SyncAttentionList, SyncAttentionRetry, SyncStatus,
    MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS,
};
use sharehub_core::ResourceKind;

use crate::app::{use_lang, Lang};
use crate::format::kind_label;
use crate::ipc::call;
use crate::sync_status::use_sync;

/// What went wrong, in words that fit the form (a wrong password is not "sign in again").
fn form_error(lang: Lang, error: &IpcError, on_sign_in: bool) -> String {
    match error {
        IpcError::Unauthorized if on_sign_in => lang.t(Msg::WrongLogin).to_owned(),
        IpcError::Conflict { .. } if !on_sign_in => lang.t(Msg::LoginTaken).to_owned(),
        other => error_message(lang.get_untracked(), other),
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let status = use_sync();
    let has_server = move || status.with(|s| s.server.is_some());
    let signed_in = move || status.with(|s| s.account.is_some());
    view! {
        <section class="account-page">
            <h1>{move || lang.t(Msg::Account)}</h1>
            <Show when=has_server fallback=move || view! {
                <p class="status" data-test="offline-demo-mode">{move || lang.t(Msg::OfflineDemoMode)}</p>
            }>
                <p class="account-server">
                    {move || lang.t(Msg::ServerLabel)}": "
                    <span data-test="server-url">{move || status.with(|s| s.server.clone().unwrap_or_default())}</span>
                </p>
                {move || status.with(|s| s.last_error.clone()).map(|error| view! {
                    <p class="form-error" role="alert" data-test="sync-error-detail">
                        {move || lang.t(Msg::SyncProblem)}": "{error_message(lang.get(), &error)}
                    </p>
                })}
                <Show when=signed_in fallback=|| view! { <SignInForms /> }>
                    <SignedInView />
                </Show>
            </Show>
        </section>
    }
}

#[component]
fn SignInForms() -> impl IntoView {
    let lang = use_lang();
    let status = use_sync();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(IpcError, bool)>);
    let finish = move |answer: Result<SyncStatus, IpcError>, on_sign_in: bool| {
        busy.set(false);
        match answer {
            Ok(next) => {
                failure.set(None);
                status.update(|s| s.accept(next));
            }
            Err(error) => failure.set(Some((error, on_sign_in))),
        }
    };
    let sign_in = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let args = SignInArgs {
            login: login.get_untracked(),
            password: password.get_untracked(),
        };
        leptos::task::spawn_local(async move { finish(call::<AccountSignIn>(&args).await, true) });
    };
    let register = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let args = RegisterArgs {
            email: email.get_untracked(),
            password: new_password.get_untracked(),
        };
        leptos::task::spawn_local(
            async move { finish(call::<AccountRegister>(&args).await, false) },
        );
    };
    view! {
        {move || failure.get().map(|(error, on_sign_in)| view! {
            <p class="form-error" role="alert" data-test="account-error">{form_error(lang, &error, on_sign_in)}</p>
        })}
        <form class="account-form" data-test="sign-in-form" on:submit=sign_in>
            <h2>{move || lang.t(Msg::SignInHeading)}</h2>
            <label>
                <span>{move || lang.t(Msg::LoginLabel)}</span>
                <input type="text" autocomplete="username" data-test="login-input" required
                    prop:value=login on:input=move |ev| login.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{move || lang.t(Msg::PasswordLabel)}</span>
                <input type="password" autocomplete="current-password" data-test="password-input" required
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" data-test="sign-in-button" disabled=busy>{move || lang.t(Msg::SignInButton)}</button>
        </form>
        <form class="account-form" data-test="register-form" on:submit=register>
            <h2>{move || lang.t(Msg::RegisterHeading)}</h2>
            <label>
                <span>{move || lang.t(Msg::EmailLabel)}</span>
                <input type="email" autocomplete="email" data-test="register-email" required
                    prop:value=email on:input=move |ev| email.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{move || lang.t(Msg::PasswordLabel)}" ("{move || lang.t(Msg::PasswordHint)}")"</span>
                <input type="password" autocomplete="new-password" data-test="register-password" required minlength="10"
                    prop:value=new_password on:input=move |ev| new_password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="secondary" data-test="register-button" disabled=busy>{move || lang.t(Msg::RegisterButton)}</button>
        </form>
    }
}

#[component]
fn SignedInView() -> impl IntoView {
    let lang = use_lang();
    let status = use_sync();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<IpcError>);
    let sign_out = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match call::<AccountSignOut>(&NoArgs {}).await {
                Ok(next) => status.update(|s| s.accept(next)),
                Err(error) => failure.set(Some(error)),
            }
            busy.set(false);
        });
    };
    view! {
        <p class="signed-in" data-test="signed-in-as">
            {move || status.with(|s| s.account.as_ref().map(|a| i18n::signed_in_as(lang.get(), &a.login, a.role)))}
        </p>
        <p class="hint">{move || lang.t(Msg::SignOutWarning)}</p>
        <button class="secondary" data-test="sign-out-button" disabled=busy on:click=sign_out>
            {move || lang.t(Msg::SignOutButton)}
        </button>
        {move || failure.get().map(|error| view! {
            <p class="form-error" role="alert" data-test="account-error">{error_message(lang.get(), &error)}</p>
        })}
        <NeedsAttention />
        <ShareForm />
    }
}

#[component]
fn NeedsAttention() -> impl IntoView {
    let lang = use_lang();
    let status = use_sync();
    // Reload when the count or the data changes.
    let items = LocalResource::new(move || {
        status.with(|s| (s.needs_attention, s.data_version));
        async move { call::<SyncAttentionList>(&NoArgs {}).await }
    });
    // The rows are drawn again only when the list itself changed: a sync that brings the
    // same list must not close an edit form someone is typing in.
    let shown = Memo::new(move |_| items.get());
    let failure = RwSignal::new(None::<IpcError>);
    let act = move |args: AttentionEntryArgs, retry: bool| {
        leptos::task::spawn_local(async move {
            let answer = if retry {
                call::<SyncAttentionRetry>(&args).await
            } else {
                call::<SyncAttentionDiscard>(&args).await
            };
            match answer {
                Ok(next) => {
                    failure.set(None);
                    status.update(|s| s.accept(next));
                }
                Err(error) => failure.set(Some(error)),
            }
        });
    };
    let row = move |item: AttentionItem| {
        let args = AttentionEntryArgs { entry: item.entry };
        let again = args.clone();
        let name = item.name.clone();
        let editable = item.action.has_typed_text();
        let editing = RwSignal::new(false);
        let resource = item.resource;
        let reason = item.reason.clone();
        let action = item.action;
        view! {
            <li class="attention-item" data-test="attention-item" data-resource=resource.to_string()>
                <strong>
                    {move || i18n::change_action(lang.get(), action)}": "
                    {move || name.as_ref().map(|n| n.get(lang.get()).to_owned()).unwrap_or_else(|| resource.to_string())}
                </strong>
                <p data-test="attention-reason">{move || lang.t(Msg::ServerSaid)}": "{reason}</p>
                <Show when=move || editing.get() fallback=move || {
                    let again = again.clone();
                    let args = args.clone();
                    view! {
                        <div class="attention-actions">
                            <button data-test="attention-retry" on:click=move |_| act(again.clone(), true)>{move || lang.t(Msg::RetryButton)}</button>
                            {editable.then(|| view! {
                                <button class="secondary" data-test="attention-edit" on:click=move |_| editing.set(true)>{move || lang.t(Msg::EditButton)}</button>
                            })}
                            <button class="secondary" data-test="attention-discard" on:click=move |_| act(args.clone(), false)>{move || lang.t(Msg::DiscardButton)}</button>
                        </div>
                    }
                }>
                    <AttentionEditForm item=item.clone() editing />
                </Show>
            </li>
        }
    };
    view! {
        <section class="needs-attention" data-test="needs-attention">
            <h2>{move || lang.t(Msg::NeedsAttentionHeading)}</h2>
            {move || failure.get().map(|error| view! {
                <p class="form-error" role="alert">{error_message(lang.get(), &error)}</p>
            })}
            {move || match shown.get() {
                None => view! { <p class="status">{lang.t(Msg::Loading)}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="status" data-test="nothing-needs-attention">{move || lang.t(Msg::NothingNeedsAttention)}</p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <p class="hint" data-test="attention-explained">{move || lang.t(Msg::NeedsAttentionExplained)}</p>
                    <ul class="attention-list">{list.into_iter().map(row).collect_view()}</ul>
                }.into_any(),
                Some(Err(error)) => view! {
                    <p class="form-error" role="alert">{error_message(lang.get(), &error)}</p>
                }.into_any(),
            }}
        </section>
    }
}

/// Editing a refused change: the name and description, prefilled with what was sent.
#[component]
fn AttentionEditForm(item: AttentionItem, editing: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let status = use_sync();
    let shown = lang.get_untracked();
    let name = RwSignal::new(
        item.name
            .as_ref()
            .map(|n| n.get(shown).to_owned())
            .unwrap_or_default(),
    );
    let description = RwSignal::new(
        item.description
            .as_ref()
            .map(|d| d.get(shown).to_owned())
            .unwrap_or_default(),
    );
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<IpcError>);
    let entry = item.entry;
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let args = AttentionEditArgs {
            entry,
            name: name.get_untracked(),
            description: description.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let answer = call::<SyncAttentionEdit>(&args).await;
            busy.set(false);
            match answer {
                Ok(next) => {
                    failure.set(None);
                    editing.set(false);
                    status.update(|s| s.accept(next));
                }
                Err(error) => failure.set(Some(error)),
            }
        });
    };
    view! {
        <form class="account-form attention-edit" data-test="attention-edit-form" on:submit=send>
            <label>
                <span>{move || lang.t(Msg::ShareNameLabel)}</span>
                <input type="text" data-test="attention-edit-name" required maxlength=MAX_NAME_CHARS
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{move || lang.t(Msg::ShareDescriptionLabel)}</span>
                <textarea data-test="attention-edit-description" required maxlength=MAX_DESCRIPTION_CHARS rows="3"
                    prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            </label>
            {move || failure.get().map(|error| view! {
                <p class="form-error" role="alert" data-test="attention-edit-error">{error_message(lang.get(), &error)}</p>
            })}
            <div class="attention-actions">
                <button type="submit" data-test="attention-edit-send" disabled=busy>{move || lang.t(Msg::EditAndSendButton)}</button>
                <button type="button" class="secondary" data-test="attention-edit-cancel" on:click=move |_| editing.set(false)>{move || lang.t(Msg::CancelButton)}</button>
            </div>
        </form>
    }
}

/// The kinds a resident can share (bike stations are the city's).
const SHAREABLE: [ResourceKind; 7] = [
    ResourceKind::Tool,
    ResourceKind::Bike,
    ResourceKind::Room,
    ResourceKind::Workspace,
    ResourceKind::ParkingSpace,
    ResourceKind::Meal,
    ResourceKind::Other,
];

#[component]
fn ShareForm() -> impl IntoView {
    let lang = use_lang();
    let kind = RwSignal::new(ResourceKind::Tool);
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let neighborhood = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), IpcError>>);
    let share = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let args = ResourceCreateArgs {
            kind: kind.get_untracked(),
            name: name.get_untracked(),
            description: description.get_untracked(),
            neighborhood: neighborhood.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let answer = call::<ResourceCreate>(&args).await;
            busy.set(false);
            if answer.is_ok() {
                name.set(String::new());
                description.set(String::new());
            }
            outcome.set(Some(answer.map(|_| ())));
        });
    };
    let options = move || {
        SHAREABLE
            .into_iter()
            .map(|k| {
                view! {
                    <option value=k.as_str() selected=move || kind.get() == k>{move || kind_label(lang.get(), k)}</option>
                }
            })
            .collect_view()
    };
    view! {
        <form class="account-form share-form" data-test="share-form" on:submit=share>
            <h2>{move || lang.t(Msg::ShareHeading)}</h2>
            <label>
                <span>{move || lang.t(Msg::KindLabel)}</span>
                <select data-test="share-kind"
                    on:change=move |ev| if let Some(k) = ResourceKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                    {options}
                </select>
            </label>
            <label>
                <span>{move || lang.t(Msg::ShareNameLabel)}</span>
                <input type="text" data-test="share-name" required maxlength=MAX_NAME_CHARS
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{move || lang.t(Msg::ShareDescriptionLabel)}</span>
                <textarea data-test="share-description" required maxlength=MAX_DESCRIPTION_CHARS rows="3"
                    prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            </label>
            <label>
                <span>{move || lang.t(Msg::ShareNeighborhoodLabel)}</span>
                <input type="text" data-test="share-neighborhood" required maxlength=MAX_NAME_CHARS
                    prop:value=neighborhood on:input=move |ev| neighborhood.set(event_target_value(&ev)) />
            </label>
            <button type="submit" data-test="share-button" disabled=busy>{move || lang.t(Msg::ShareButton)}</button>
            {move || outcome.get().map(|answer| match answer {
                Ok(()) => view! { <p class="status" role="status" data-test="share-done">{move || lang.t(Msg::Shared)}</p> }.into_any(),
                Err(error) => view! { <p class="form-error" role="alert" data-test="share-error">{error_message(lang.get(), &error)}</p> }.into_any(),
            })}
        </form>
    }
}
