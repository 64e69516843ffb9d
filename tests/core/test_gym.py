"""The Gymnasium environment ``qloom/Compile-v0`` (``qloom.gym``, extra ``qloom[gym]``)."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from qloom import Circuit, qasm2
from qloom.datasets import CachedDataset, FamiliesDataset
from qloom.errors import ConfigError, OptionError
from qloom.testing import assert_backend_accepts, assert_equivalent
from support import require_distribution

BACKEND = "emulator:heavy-hex-27"
ACTIONS = [
    "placers:sabre",
    "routers:sabre",
    "unrollers:basis",
    "optimizers:optimize",
    "pipelines:O1",
]

# Gymnasium's checker warns about wrappers (``gymnasium.make`` adds two) and about render
# modes it cannot try without a spec: neither is about this environment. Any other warning
# stays an error (pytest's filterwarnings).
CHECKER_NOTES = (
    ".*is different from the unwrapped version",
    ".*Not able to test alternative render modes",
)


@pytest.fixture
def gym() -> Iterator[ModuleType]:
    for dist in ("gymnasium", "qloom-hw-emulator", "qloom-routers", "qloom-placers"):
        require_distribution(dist)
    for dist in ("qloom-unrollers", "qloom-optimizers", "qloom-levels"):
        require_distribution(dist)
    import qloom.gym

    yield qloom.gym


def small(families: tuple[str, ...] = ("ghz", "qft", "random"), sizes=(3, 4, 5)) -> Any:
    return FamiliesDataset(families, sizes)


def check(env: Any) -> None:
    from gymnasium.utils.env_checker import check_env

    with warnings.catch_warnings():
        for message in CHECKER_NOTES:
            warnings.filterwarnings("ignore", message=message)
        check_env(env)


def test_the_environment_passes_gymnasiums_checker(gym):
    env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, render_mode="ansi", seed=5)
    check(env)
    assert env.action_labels == [*ACTIONS, "finish"]
    assert env.action_space.n == 6
    assert env.observation_space.shape == (len(gym.DEFAULT_OBSERVATIONS),)
    assert env.observation_space.dtype == np.float64


def test_the_registered_environment_passes_the_checker_made_and_unwrapped(gym):
    import gymnasium

    env = gymnasium.make(gym.ENV_ID, circuits=small(sizes=(3,)), on=BACKEND, render_mode="ansi")
    assert env.spec is not None and env.spec.id == "qloom/Compile-v0"
    check(env)
    check(env.unwrapped)
    # the default actions are every installed pass and pipeline, with their defaults
    labels = env.unwrapped.action_labels
    assert {"routers:sabre", "placers:sabre", "pipelines:O3"} <= set(labels)
    assert labels[-1] == "finish" and labels[:-1] == sorted(labels[:-1])
    env.close()


def test_registration_happens_on_import_in_a_fresh_process(gym, tmp_path):
    code = (
        "import sys, gymnasium\n"
        "assert 'qloom/Compile-v0' not in gymnasium.registry\n"
        "import qloom\n"
        "assert 'gymnasium' not in sys.modules or 'qloom.gym' not in sys.modules\n"
        "env = gymnasium.make('qloom.gym:qloom/Compile-v0', circuits='families',\n"
        f"    on='{BACKEND}', actions=['pipelines:O1'])\n"
        "obs, info = env.reset(seed=3)\n"
        "obs, reward, term, trunc, info = env.step(0)\n"
        "print(info['circuit'], info['executable'], int(obs[0]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stderr
    name, executable, n2q = done.stdout.split()
    assert name in FamiliesDataset().names() and executable == "True" and int(n2q) >= 0


def test_importing_qloom_does_not_import_gymnasium(tmp_path):
    code = "import sys, qloom, qloom.datasets; print('gymnasium' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def run_episode(env: Any, seed: int) -> tuple[list[Any], Circuit, Circuit]:
    """A random agent's episode: the transitions, the input circuit and the output."""
    env.action_space.seed(seed)
    obs, info = env.reset(seed=seed)
    original = env.dataset.load(info["circuit"])
    steps: list[Any] = [(obs.tolist(), info)]
    done = False
    while not done:
        action = env.action_space.sample()
        obs, reward, terminated, truncated, info = env.step(action)
        steps.append((int(action), obs.tolist(), reward, terminated, truncated, info))
        done = terminated or truncated
    return steps, original, env.session.circuit


def test_random_episodes_give_equivalent_circuits_the_backend_accepts_when_executable(gym):
    env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, max_steps=8)
    executable = 0
    for seed in range(6):
        steps, original, output = run_episode(env, seed)
        assert_equivalent(original, output)
        if steps[-1][-1]["executable"]:
            executable += 1
            assert_backend_accepts(output, env.backend)
        else:
            assert list(env.backend.violations(output))
    assert executable >= 1


def test_the_same_seed_gives_the_same_trajectory(gym):
    def trajectory(seed: int) -> tuple[list[Any], str]:
        env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, max_steps=6)
        episodes = [run_episode(env, seed + i) for i in range(3)]
        return [steps for steps, _, _ in episodes], qasm2.dumps(episodes[-1][2])

    first, again, other = trajectory(11), trajectory(11), trajectory(12)
    assert first == again
    assert first != other


def test_the_constructor_seed_seeds_the_first_reset(gym):
    names = []
    for _ in range(2):
        env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, seed=21)
        names.append([env.reset()[1]["circuit"] for _ in range(4)])
    assert names[0] == names[1] and len(set(names[0])) > 1


def test_a_failing_pass_costs_the_penalty_and_leaves_the_circuit_as_it_was(gym):
    require_distribution("qloom-fixture-faulty")
    env = gym.QloomEnv(
        small(),
        on=BACKEND,
        actions=["pipelines:O1", ("optimizers:faulty", {"mode": "raise"})],
        error_penalty=2.5,
    )
    obs, info = env.reset(seed=1, options={"circuit": "qft_n4"})
    before = env.session.circuit
    obs2, reward, terminated, truncated, info = env.step(1)
    assert reward == -2.5 and not terminated and not truncated
    assert "PassError" in info["error"] and "ZeroDivisionError" in info["error"]
    assert np.array_equal(obs, obs2) and env.session.circuit == before
    assert env.session.history == ()
    info = env.step(0)[-1]
    assert "error" not in info and len(env.session.history) == 1


def test_finish_ends_the_episode_and_costs_the_penalty_when_not_executable(gym):
    env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS)
    finish = env.action_labels.index("finish")
    obs, _ = env.reset(seed=0, options={"circuit": "qft_n5"})
    assert obs[env.observation_names.index("n2q")] == 12  # 10 cp and 2 swap
    _, reward, terminated, truncated, info = env.step(finish)
    assert terminated and not truncated and not info["executable"]
    assert reward == -10.0 * 12  # ten times the input's two-qubit gates
    env.reset(seed=0, options={"circuit": "qft_n5"})
    env.step(ACTIONS.index("pipelines:O1"))
    _, reward, terminated, _, info = env.step(finish)
    assert terminated and info["executable"] and reward == 0.0
    fixed = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, unexecutable_penalty=3.0)
    fixed.reset(seed=0)
    assert fixed.step(finish)[1] == -3.0


def test_terminate_when_executable_and_truncation(gym):
    env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, terminate_when_executable=True)
    env.reset(seed=0, options={"circuit": "ghz_n4"})
    assert env.step(ACTIONS.index("placers:sabre"))[2] is False
    _, _, terminated, truncated, info = env.step(ACTIONS.index("pipelines:O1"))
    assert terminated and not truncated and info["executable"]
    short = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, max_steps=2)
    short.reset(seed=0)
    assert short.step(0)[3] is False
    _, _, terminated, truncated, info = short.step(0)
    assert truncated and not terminated and info["step"] == 2


def test_rewards_follow_the_reward_space(gym):
    env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, reward="depth")
    obs, _ = env.reset(seed=0, options={"circuit": "ghz_n5"})
    depth = env.observation_names.index("depth")
    obs2, reward, *_ = env.step(ACTIONS.index("pipelines:O1"))
    assert reward == obs[depth] - obs2[depth]


def test_render_gives_text_in_ansi_mode(gym):
    env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS, render_mode="ansi")
    assert "no episode" in env.render()
    env.reset(seed=0, options={"circuit": "ghz_n3"})
    env.step(ACTIONS.index("pipelines:O1"))
    text = env.render()
    assert "circuit 'ghz_n3'" in text and "step 1/32" in text
    assert "last action: pipelines:O1" in text and "executable yes" in text
    assert gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS).render() is None


def test_bad_arguments_are_refused_with_what_is_valid(gym):
    with pytest.raises(ConfigError, match="did you mean 'routers:sabre'"):
        gym.QloomEnv(small(), on=BACKEND, actions=["routers:sabr"])
    with pytest.raises(OptionError, match="trails"):
        gym.QloomEnv(small(), on=BACKEND, actions=[("routers:sabre", {"trails": 2})])
    with pytest.raises(ConfigError, match="always the last action"):
        gym.QloomEnv(small(), on=BACKEND, actions=["finish"])
    with pytest.raises(ConfigError, match="unknown numeric observation 'interaction_graph'"):
        gym.QloomEnv(small(), on=BACKEND, observations=["n2q", "interaction_graph"])
    with pytest.raises(ConfigError, match="unknown reward 'speed'"):
        gym.QloomEnv(small(), on=BACKEND, reward="speed")
    env = gym.QloomEnv(small(), on=BACKEND, actions=ACTIONS)
    from gymnasium.error import ResetNeeded

    with pytest.raises(ResetNeeded):
        env.step(0)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"0\.\.5: placers:sabre"):
        env.step(6)
    with pytest.raises(ConfigError, match="unknown reset options: level"):
        env.reset(options={"level": 3})


def test_circuits_can_be_given_as_a_circuit_a_list_a_folder_or_a_dataset(gym, tmp_path):
    bell = Circuit(2, name="bell").h(0).cx(0, 1)
    one = gym.QloomEnv(bell, on=BACKEND, actions=ACTIONS)
    assert one.reset(seed=0)[1]["circuit"] == "bell"
    listed = gym.QloomEnv([bell, Circuit(3, name="three").cx(0, 2)], on=BACKEND, actions=ACTIONS)
    assert {listed.reset(seed=s)[1]["circuit"] for s in range(8)} == {"bell", "three"}
    qasm2.dump(bell, tmp_path / "bell.qasm")
    folder = gym.QloomEnv(str(tmp_path), on=BACKEND, actions=ACTIONS)
    assert isinstance(folder.dataset, CachedDataset)
    for _ in range(3):
        folder.reset()
    stats = folder.dataset.cache.stats
    assert (stats.misses, stats.hits) == (1, 2)
    named = gym.QloomEnv("families", on=BACKEND, actions=ACTIONS)
    assert len(named.dataset) == 45
    with pytest.raises(ConfigError, match="circuits must be"):
        gym.QloomEnv(42, on=BACKEND)


def test_the_shared_benchmarks_drive_an_episode(gym, shared_benchmarks: Path):
    env = gym.QloomEnv(shared_benchmarks / "circuits", on=BACKEND, actions=["pipelines:O1"])
    obs, _ = env.reset(seed=0, options={"circuit": "qb_qaoa_n6"})
    after, reward, _, _, info = env.step(0)
    assert info["executable"] and info["circuit"] == "qb_qaoa_n6"
    n2q = env.observation_names.index("n2q")
    assert reward == obs[n2q] - after[n2q]
    assert_equivalent(env.dataset.load("qb_qaoa_n6"), env.session.circuit)


def test_a_vector_of_environments_steps_in_lockstep(gym):
    import gymnasium

    envs = gymnasium.make_vec(
        gym.ENV_ID,
        num_envs=2,
        vectorization_mode="sync",
        circuits=small(sizes=(3, 4)),
        on=BACKEND,
        actions=ACTIONS,
    )
    obs, infos = envs.reset(seed=4)
    assert obs.shape == (2, len(gym.DEFAULT_OBSERVATIONS)) and obs.dtype == np.float64
    obs, rewards, terminated, truncated, infos = envs.step(np.array([4, 5]))
    assert not truncated.any()
    assert list(terminated) == [False, True] and rewards.shape == (2,)
    assert bool(infos["executable"][0]) is True
    envs.close()


def test_the_gym_extra_installs_gymnasium():
    import importlib.metadata as md

    extras = md.metadata("qloom").get_all("Provides-Extra") or []
    assert "gym" in extras
    requires = md.requires("qloom") or []
    assert any(r.startswith("gymnasium") and 'extra == "gym"' in r for r in requires)


def test_an_isolated_episode_survives_a_pass_that_crashes_the_interpreter(
    gym: ModuleType,
) -> None:
    from gymnasium.error import ResetNeeded

    from qloom import Backend

    require_distribution("qloom-fixture-faulty")
    actions = [("optimizers:faulty", {"mode": "segfault"}), "optimizers:cancel"]
    env = gym.QloomEnv(
        Circuit(3).h(0).h(0).cx(0, 1),
        on="emulator:heavy-hex-27",
        actions=actions,
        isolated=True,
        seed=3,
        render_mode="ansi",
    )
    try:
        first, _ = env.reset()
        obs, reward, terminated, truncated, info = env.step(1)  # cancel: fine
        assert info.get("error") is None and obs[0] <= first[0]
        obs, reward, terminated, truncated, info = env.step(0)  # the pass segfaults
        assert terminated and not truncated and info["crashed"]
        assert "SessionCrashed" in info["error"] and reward == -env.error_penalty
        assert env.observation_space.contains(obs)
        assert "crashed" in (env.render() or "")
        with pytest.raises(ResetNeeded):
            env.step(1)
        env.reset()  # a new worker: the next episode runs
        assert env.step(1)[4].get("error") is None
    finally:
        env.close()
    with pytest.raises(ConfigError, match="by name"):
        gym.QloomEnv(Circuit(2).h(0), on=Backend("sim"), isolated=True)
