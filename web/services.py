"""Wiring the layers together: what both the CLI and the web app open at start-up."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from indexer.extract import ExtractionPool
from indexer.index import Index
from indexer.sync import Indexer
from repository import Repository
from uploads.intake import Intake

from .settings import Config


@dataclass
class Services:
    config: Config
    repo: Repository
    index: Index
    indexer: Indexer
    intake: Intake

    def close(self) -> None:
        self.indexer.close()
        self.index.close()
        self.repo.close()


def open_services(config: Config, *, catch_up: bool = True) -> Services:
    """Open the repository and index; index whatever a crash left unindexed before anything else.

    ``catch_up=False`` skips that (and a rebuild the index needs): for a caller
    about to rebuild the whole index anyway."""
    repo = Repository(config.data_dir)
    index = Index.open(config.data_dir / "index", writer_timeout=config.writer_timeout)
    pool_factory = partial(ExtractionPool, workers=config.extract_workers or None,
                           time_limit=config.extract_timeout, memory_limit=config.extract_memory_mb * 2**20)
    indexer = Indexer(repo, index, pool_factory)
    # Storing is wired to indexing here, so intake never imports the indexer.
    intake = Intake(repo, max_bytes=config.max_upload_bytes, announce=indexer.index_ids)
    services = Services(config, repo, index, indexer, intake)
    if not catch_up:
        pass
    elif index.needs_rebuild:
        indexer.reindex()
    else:
        indexer.catch_up()
    return services
