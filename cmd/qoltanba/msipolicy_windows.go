package main

import (
	"errors"
	"slices"

	"golang.org/x/sys/windows/registry"
)

// The policy values the MSI wrote (from its properties) are listed in
// HKLM\Software\qoltanba\MsiPolicy, so that its removal takes away those
// and leaves what Group Policy wrote.
const msiRecordKey, msiRecordValue = `Software\qoltanba`, "MsiPolicy"

func msiPolicyKeys() []string {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, msiRecordKey, registry.QUERY_VALUE)
	if err != nil {
		return nil
	}
	defer k.Close()
	names, _, _ := k.GetStringsValue(msiRecordValue)
	return names
}

func recordMSIPolicy(names []string) error {
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, msiRecordKey, registry.ALL_ACCESS)
	if err != nil {
		return err
	}
	defer k.Close()
	old, _, _ := k.GetStringsValue(msiRecordValue)
	all := slices.Compact(slices.Sorted(slices.Values(slices.Concat(old, names))))
	return k.SetStringsValue(msiRecordValue, all)
}

func forgetMSIPolicy() error {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, msiRecordKey, registry.SET_VALUE)
	if err != nil {
		return nil
	}
	defer k.Close()
	if err := k.DeleteValue(msiRecordValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return nil
}
