//! "Near me" on a phone: the position comes from Tauri's geolocation plugin, after the
//! system has asked the person for permission. Desktops have no location service the app
//! can use; there the person taps the map or types a place, and `position_get` answers
//! `Unsupported`.
//!
//! `SHAREHUB_FIXED_POSITION=lat,lon` is a named stand-in for a phone's GPS receiver, which
//! the machines that run the end-to-end tests do not have: when set, the app reports that
//! position as the device's.

use sharehub_core::ipc::{DevicePosition, IpcError, NoArgs};
use sharehub_core::GeoPoint;
use tauri::{AppHandle, Runtime};

pub const FIXED_POSITION_ENV: &str = "SHAREHUB_FIXED_POSITION";

/// Whether the app can offer "near me" here.
pub fn device_can_locate() -> bool {
    cfg!(mobile) || std::env::var_os(FIXED_POSITION_ENV).is_some()
}

#[tauri::command]
pub async fn position_get<R: Runtime>(
    app: AppHandle<R>,
    args: NoArgs,
) -> Result<DevicePosition, IpcError> {
    let NoArgs {} = args;
    if let Ok(text) = std::env::var(FIXED_POSITION_ENV) {
        let location = parse_fixed_position(&text).map_err(|problem| IpcError::Invalid {
            field: FIXED_POSITION_ENV.into(),
            problem,
        })?;
        return Ok(DevicePosition::Found {
            location,
            accuracy_m: 0.0,
        });
    }
    if !cfg!(mobile) {
        return Ok(DevicePosition::Unsupported);
    }
    // The plugin's calls block until the system answers (a permission prompt included).
    tauri::async_runtime::spawn_blocking(move || locate(&app))
        .await
        .map_err(|e| IpcError::Internal {
            detail: format!("the location request stopped: {e}"),
        })
}

/// Asks the phone's location service (permission first, then one fresh-enough fix).
fn locate<R: Runtime>(app: &AppHandle<R>) -> DevicePosition {
    use tauri::plugin::PermissionState;
    use tauri_plugin_geolocation::{
        GeolocationExt, PermissionStatus, PermissionType, PositionOptions,
    };

    let geolocation = app.geolocation();
    let allowed = |s: &PermissionStatus| {
        s.location == PermissionState::Granted || s.coarse_location == PermissionState::Granted
    };
    let failed = |e: tauri_plugin_geolocation::Error| DevicePosition::Failed {
        detail: e.to_string(),
    };
    let status = match geolocation.check_permissions() {
        Ok(status) => status,
        Err(e) => return failed(e),
    };
    if !allowed(&status) {
        if status.location == PermissionState::Denied {
            return DevicePosition::Denied;
        }
        match geolocation.request_permissions(Some(vec![PermissionType::Location])) {
            Ok(status) if allowed(&status) => {}
            Ok(_) => return DevicePosition::Denied,
            Err(e) => return failed(e),
        }
    }
    let options = PositionOptions {
        enable_high_accuracy: true,
        timeout: 15_000,
        // A fix from the last minute is close enough for "near me".
        maximum_age: 60_000,
    };
    match geolocation.get_current_position(Some(options)) {
        Ok(position) => match GeoPoint::new(position.coords.latitude, position.coords.longitude) {
            Ok(location) => DevicePosition::Found {
                location,
                accuracy_m: position.coords.accuracy.max(0.0),
            },
            Err(e) => DevicePosition::Failed {
                detail: format!("the location service gave an impossible position: {e}"),
            },
        },
        Err(e) => failed(e),
    }
}

/// `"37.5563,126.9220"` (latitude, then longitude, as people write them).
fn parse_fixed_position(text: &str) -> Result<GeoPoint, String> {
    let (lat, lon) = text
        .split_once(',')
        .ok_or_else(|| format!("{text:?} is not \"latitude,longitude\""))?;
    let number = |part: &str, what: &str| {
        part.trim()
            .parse::<f64>()
            .map_err(|_| format!("the {what} {part:?} is not a number"))
    };
    GeoPoint::new(number(lat, "latitude")?, number(lon, "longitude")?).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_position_is_latitude_then_longitude() {
        let point = parse_fixed_position(" 37.5563, 126.9220 ").unwrap();
        assert_eq!((point.lat, point.lon), (37.5563, 126.922));
        for bad in ["", "37.5", "north,east", "126.9,37.5,1", "95,126"] {
            assert!(parse_fixed_position(bad).is_err(), "{bad:?}");
        }
    }
}
