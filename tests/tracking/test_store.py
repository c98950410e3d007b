import pytest

from tabular_mlops.core.errors import InputError
from tabular_mlops.tracking.store import check_tracking_uri
from tests.conftest import free_port


def test_a_sqlite_file_in_a_writable_folder_is_accepted(tmp_path):
    check_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db", "local")
    assert not (tmp_path / "mlflow.db").exists()  # the check writes nothing


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (None, r"No MLflow tracking URI .* conf/staging/mlflow.yml"),
        ("sqlite:////no/such/folder/mlflow.db", "the folder /no/such/folder does not"),
        ("http://127.0.0.1:{port}", "'http://127.0.0.1:{port}' .*does not answer"),
        (
            "postgresql://me:secret@127.0.0.1:{port}/runs",
            r"'postgresql://me:\*\*\*@127.0.0.1:{port}/runs' .*cannot connect",
        ),
    ],
)
def test_unusable_tracking_stores_are_named_with_the_file_to_change(uri, message):
    port = free_port()
    with pytest.raises(InputError, match=message.format(port=port)) as refused:
        check_tracking_uri(uri and uri.format(port=port), "staging")
    assert "conf/staging/mlflow.yml" in str(refused.value)
    assert "secret" not in str(refused.value)
